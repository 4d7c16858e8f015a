// JUnit XML in the shape of the Jenkins/Ant junit-10.xsd, which GitLab, Jenkins and the GitHub
// test-report actions all read: one testcase per scenario, one <failure> per failed check
// (message = the check's words), an errored scenario as <error>.
import type { Check, Report, ScenarioReport } from '../report/runReportSchema.ts';
import { formatValue } from './formatValue.ts';
import { calibrationText, withReplicas, wouldHaveCaught } from './scenarioHeadlines.ts';
import { knownLeaks, leakVerdictLine } from './leakText.ts';

/** XML 1.0 cannot carry most control characters even as references; show them as \xNN instead. */
function visible(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function xmlText(text: string): string {
  return visible(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** xs:decimal seconds with at most 3 decimals, as junit-10.xsd's time pattern wants. */
function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** junit-10.xsd's timestamp has no zone and no fraction: 2025-01-01T10:00:00 (UTC here). */
function timestamp(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '1970-01-01T00:00:00' : d.toISOString().slice(0, 19);
}

/** 'scenarios/cache.scenario.ts' -> 'seep.scenarios.cache', so CI tools group by folder. */
function className(file: string): string {
  return 'seep.' + file.replace(/(\.scenario)?\.[cm]?[jt]s$/, '').replace(/^\.?\/+/, '').replace(/[/\\]+/g, '.');
}

function failureBody(c: Check, s: ScenarioReport): string {
  const lines = [c.message, `observed: ${formatValue(c.observed, c.unit)}`];
  if (c.limit !== undefined || c.limitValue !== undefined) lines.push(`limit: ${c.limit ?? ''}${c.limitValue !== undefined ? ` (${formatValue(c.limitValue, c.unit)})` : ''}`);
  if (c.trend) lines.push(`trend: ${c.trend.verdict}, slope ${formatValue(c.trend.slope, `${c.trend.unit}/${c.trend.per}`)}: ${c.trend.reason}`);
  for (const l of c.leftovers ?? []) lines.push(`left over: ${l.kind} ${l.id} ${l.detail}`);
  for (const sig of c.leaks ?? []) {
    const leak = s.leaks?.find((l) => l.signature === sig);
    if (leak) lines.push(leakVerdictLine(leak));
  }
  return lines.join('\n');
}

function testcase(s: ScenarioReport): string {
  const parts: string[] = [];
  if (s.verdict === 'error') {
    const message = s.error ?? 'scenario errored';
    parts.push(`<error message="${xmlAttr(message)}" type="seep.error">${xmlText(message)}</error>`);
  }
  const failed = s.checks.filter((c) => !c.pass);
  for (const c of failed) parts.push(`<failure message="${xmlAttr(c.message)}" type="${xmlAttr(c.id)}">${xmlText(failureBody(c, s))}</failure>`);
  if (s.verdict === 'fail' && failed.length === 0) parts.push('<failure message="scenario failed with no failed check recorded" type="seep.fail"/>');
  // what a pass could have caught, and the calibration, where CI tools show a test's output
  const stated = [wouldHaveCaught(s), calibrationText(s), ...knownLeaks(s).map(leakVerdictLine)].filter((x): x is string => x !== null).map((x) => `[seep] ${x}`);
  const tail = s.output.tail.map((l) => `[${l.stream}${l.forbidden ? ` FORBIDDEN ${l.forbidden}` : ''}] ${l.text}`);
  if (stated.length || tail.length) parts.push(`<system-out>${xmlText([...stated, ...tail].join('\n'))}</system-out>`);
  const open = `<testcase name="${xmlAttr(s.name)}" classname="${xmlAttr(className(s.file))}" time="${seconds(s.durationMs)}"`;
  return parts.length ? `    ${open}>\n      ${parts.join('\n      ')}\n    </testcase>` : `    ${open}/>`;
}

export function renderJunit(report: Report): string {
  // a deployed service's replicas are testcases of their own, after the scenario that drove them
  const cases = withReplicas(report.scenarios);
  const tests = cases.length;
  const errors = cases.filter((s) => s.verdict === 'error').length;
  const failures = cases.filter((s) => s.verdict === 'fail').length;
  const time = seconds(Date.parse(report.finishedAt) - Date.parse(report.startedAt) || report.scenarios.reduce((a, s) => a + s.durationMs, 0));
  const props = [['seep.version', report.seepVersion], ['seep.runId', report.runId], ['node', report.host.node], ['exitCode', String(report.exitCode)]];
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="seep" tests="${tests}" failures="${failures}" errors="${errors}" time="${time}">
  <testsuite name="${xmlAttr(`seep ${report.runId}`)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0" time="${time}" timestamp="${timestamp(report.startedAt)}" hostname="${xmlAttr(report.host.hostname)}" id="0" package="seep">
    <properties>
${props.map(([n, v]) => `      <property name="${xmlAttr(n!)}" value="${xmlAttr(v!)}"/>`).join('\n')}
    </properties>
${cases.map(testcase).join('\n')}
  </testsuite>
</testsuites>
`;
}
