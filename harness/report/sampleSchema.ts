// The probe samples' schema: what the sampler reads of a process tree at one moment, as the sample
// stream stores it (series/sampleStream.ts) and the report's series hold it column-wise.

export type Phase = 'warmup' | 'measured' | 'settle';

/**
 * Numeric columns every sample carries. Byte values are bytes; cpu is percent of one core. New
 * columns go at the end: a stored sample line is its values in this order, and a line written
 * before a column existed decodes with that column null.
 */
export const METRICS = [
  'rss', // resident set size of the whole process tree
  'pss', // proportional set size of the tree, where smaps_rollup is readable (else null)
  'cpu',
  'heapUsed', // runtime heap after GC from the agent (V8 used heap + external Buffers / Python tracemalloc current, else malloc's bytes in use), else null
  'fds',
  'fdFile',
  'fdSocket',
  'fdPipe',
  'fdOther',
  'sockets', // inet sockets (tcp, tcp6) owned by the tree
  'threads',
  'children', // processes in the tree other than the root
  'escaped', // processes carrying the run cookie that are no longer in the tree
  'heapCommitted', // memory the runtime holds for its heap (V8 total heap size + external), where it says; else null
  'cgroupMemory', // usage of the target's memory cgroup under memoryLimit (page cache included, as the OOM killer counts it), or of an attached process's own cgroup; else null
  'heapBlocks', // Python: pymalloc's allocated blocks after GC (sys.getallocatedblocks), the small objects; else null
  'handles', // what the agent sees open: Node's active handles and requests, Python's sockets, files, event loops, subprocesses
  'diskBytes', // boundaries: the files the tree holds open for writing and those it created in its working directory, not allowed ones (budgets.disk.allow), counted once each
  'tmpBytes', // boundaries: what the target's own temp dir (TMPDIR, TEMP, TMP) holds, in bytes; null when seep gave it none
  'tmpEntries', // boundaries: its entries (files and folders at any depth)
  'stepMs', // boundaries: the mean duration of the steps since the previous boundary
  'stepCpuMs', // boundaries: the mean CPU those steps cost the target (its processes and the commands it ran), in ms
  'heapYoung', // Node: what V8 commits for its young generation's semispaces (resident only as allocation first reaches their pages), else null
] as const;
export type Metric = (typeof METRICS)[number];

/** TCP states as named by the kernel (include/net/tcp_states.h). */
export const TCP_STATES = [
  'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT',
  'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV',
] as const;
export type TcpState = (typeof TCP_STATES)[number];

/** One observation of the target's process tree. Produced by probes/sampler.ts. */
export interface Sample {
  /** ms since the scenario started */
  t: number;
  /** iteration index (0-based, counting warmup first) at a boundary sample; null for timed samples */
  iteration: number | null;
  phase: Phase;
  values: Record<Metric, number | null>;
  tcp: Partial<Record<TcpState, number>>;
  pids: number[];
}
