// `git bisect` in a temporary worktree of the user's repository: their working tree, index, HEAD and
// branches are never touched (a linked worktree has its own HEAD, index and refs/bisect, all removed
// with it). git picks each commit to test and handles skipped ones; the caller tests each.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { git, gitResult, GitError } from './gitRepo.ts';

export type StepVerdict = 'good' | 'bad' | 'skip';

export type BisectEnd = { firstBad: string } | { onlySkipped: string[] };

export interface BisectWorktree {
  dir: string;
  checkout(sha: string): Promise<void>;
  /** git bisect from good to bad, `test` deciding each commit git checks out; the first bad commit, or the skipped ones it could be */
  bisect(good: string, bad: string, test: (sha: string) => Promise<StepVerdict>): Promise<BisectEnd>;
  /** the worktree and its bisect state gone, the repository as it was */
  close(): Promise<void>;
}

/** What git bisect said it found, if it found it. */
export function bisectEnd(said: string): BisectEnd | null {
  const first = /^([0-9a-f]{40}) is the first bad commit/m.exec(said);
  if (first) return { firstBad: first[1]! };
  if (/only 'skip'ped commits left to test/.test(said)) {
    const after = said.slice(said.search(/could be any of:/));
    return { onlySkipped: [...after.matchAll(/^([0-9a-f]{40})$/gm)].map((m) => m[1]!) };
  }
  return null;
}

export async function openBisectWorktree(repo: string, at: string): Promise<BisectWorktree> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seep-bisect-'));
  await git(['worktree', 'add', '--detach', dir, at], repo);
  let bisecting = false;
  const step = async (args: string[]): Promise<string> => {
    const r = await gitResult(['bisect', ...args], dir);
    const said = r.stdout + r.stderr;
    if (r.code !== 0 && !bisectEnd(said)) throw new GitError(`git bisect ${args.join(' ')}: ${said.trim().split('\n').slice(-3).join('; ')}`, r.code);
    return said;
  };
  return {
    dir,
    async checkout(sha) {
      await git(['checkout', '--quiet', '--detach', sha], dir);
    },
    async bisect(good, bad, test) {
      bisecting = true;
      let said = await step(['start', bad, good]);
      for (;;) {
        const end = bisectEnd(said);
        if (end) return end;
        const sha = (await git(['rev-parse', 'HEAD'], dir)).trim();
        said = await step([await test(sha), sha]);
      }
    },
    async close() {
      try {
        if (bisecting) await gitResult(['bisect', 'reset', '--quiet'], dir);
      } finally {
        const removed = await gitResult(['worktree', 'remove', '--force', dir], repo);
        await rm(dir, { recursive: true, force: true });
        // only when git could not remove it (its folder gone): prune forgets the worktrees whose folders are gone
        if (removed.code !== 0) await gitResult(['worktree', 'prune'], repo);
      }
    },
  };
}
