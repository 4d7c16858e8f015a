// The handle on one process's heap agent: what the engine asks of it (a GC, its heap, per-type
// counts, snapshots) over its socket or the function worker's channel.
import type { Runtime } from '../probes/processRuntime.ts';

// which runtime a process runs is the probe's to read from /proc (processRuntime.ts)
export type { Runtime };

export interface AgentHandle {
  runtime: Runtime;
  /** the process the agent runs in */
  pid: number;
  /** the process seep started, or one of its descendants (a pre-fork server's worker) */
  role: 'root' | 'worker';
  /** timeoutMs: how long to wait for the reply (the client's default when absent) */
  request(op: string, params?: object, timeoutMs?: number): Promise<unknown>;
  close(): void;
}
