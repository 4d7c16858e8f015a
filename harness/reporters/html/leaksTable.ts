// A scenario's leaks on the run page: each by its short signature (the full one in its title, as
// seep.known-leaks.json has it), what it is, its rate, and what the known-leaks file said of it.
import { shortSignature, type ScenarioReport } from '../../report/runReportSchema.ts';
import { knownLeaksCount, leakRate } from '../leakText.ts';
import { escapeHtml as e } from './escapeHtml.ts';

const STATUS = { new: 'new', known: 'known', 'over-ceiling': 'worse than its ceiling', expired: 'expired' } as const;

export function leaksTable(s: ScenarioReport): string {
  const leaks = s.leaks ?? [];
  if (leaks.length === 0) return '';
  const rows = leaks.map((l) => {
    const status = l.known?.status;
    const failing = status !== 'known';
    return `<tr class="${failing ? 'fail' : 'known'}" data-signature="${e(l.signature)}">
<td><code title="${e(l.signature)}">${e(shortSignature(l.signature))}</code></td>
<td>${e(l.label)}<br><span class="dim">${e(l.resource)} · ${l.checks.map((c) => `<code>${e(c)}</code>`).join(' ')}</span></td>
<td class="num">${e(leakRate(l) ?? '—')}</td>
<td><span class="badge ${failing ? 'fail' : 'known'}">${e(status ? STATUS[status] : 'leak')}</span> ${l.known ? e(l.known.message) : ''}</td></tr>`;
  });
  const known = knownLeaksCount(s);
  return `<h3>Leaks</h3>${known ? `<p class="dim">${e(known)}</p>` : ''}<table class="leaks"><thead><tr><th>Signature</th><th>Leak</th><th>Rate</th><th>Known leaks file</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}
