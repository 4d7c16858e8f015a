// Which processes of the target's tree run Node or Python with no agent answering (python -I, an
// environment a launcher replaced), as of the end of the measured phase: to the stream, so that the
// report names them and the checks they leave without evidence. Launchers (npm, sh) are not among them.
import type { StreamEvent } from '../series/sampleStream.ts';
import type { EvidenceCollector } from './evidenceCollectors.ts';
import type { RunTarget } from './runTarget.ts';

export function agentCoverageCollector(target: Pick<RunTarget, 'agentless'>, o: { emit(e: StreamEvent): void; now(): number }): EvidenceCollector {
  return {
    async afterMeasured() {
      const found = target.agentless?.();
      if (found?.listed.length) o.emit({ k: 'agentless', t: o.now(), procs: found.listed, more: found.more });
    },
  };
}
