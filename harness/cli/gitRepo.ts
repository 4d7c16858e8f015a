// git, run as a child process for `seep accept` (who accepts) and `seep bisect` (worktrees and
// git bisect): its output, or a GitError with git's own words and the command that failed.
import { execFile } from 'node:child_process';

export class GitError extends Error {
  override name = 'GitError';
  constructor(message: string, readonly code: number | null) {
    super(message);
  }
}

export function git(args: string[], cwd: string, opts: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: opts.env ?? process.env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const code = typeof err.code === 'number' ? err.code : null;
      const said = (stderr || stdout).trim().split('\n').slice(-3).join('; ');
      reject(new GitError(`git ${args.join(' ')}: ${said || err.message}`, code));
    });
  });
}

/** 'Ann Lee <ann@example.com>' from git config, as a commit would name its author; null when unset. */
export async function gitIdentity(cwd: string): Promise<string | null> {
  const get = (key: string) => git(['config', '--get', key], cwd).then((s) => s.trim(), () => '');
  const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
  if (!name && !email) return null;
  return name && email ? `${name} <${email}>` : name || email;
}
