// git, run as a child process for `seep accept` (who accepts) and `seep bisect` (worktrees and
// git bisect): its output, or a GitError with git's own words and the command that failed.
import { execFile } from 'node:child_process';

export class GitError extends Error {
  override name = 'GitError';
  constructor(message: string, readonly code: number | null) {
    super(message);
  }
}

/** git's exit code and both outputs, whatever the code (git bisect says what it found on either). */
export function gitResult(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(new GitError(`git ${args.join(' ')}: ${err.message}`, null));
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

/** git's output, or a GitError with its last words. */
export async function git(args: string[], cwd: string): Promise<string> {
  const r = await gitResult(args, cwd);
  if (r.code === 0) return r.stdout;
  const said = (r.stderr || r.stdout).trim().split('\n').slice(-3).join('; ');
  throw new GitError(`git ${args.join(' ')}: ${said || `exit ${r.code}`}`, r.code);
}

/** 'Ann Lee <ann@example.com>' from git config, as a commit would name its author; null when unset. */
export async function gitIdentity(cwd: string): Promise<string | null> {
  const get = (key: string) => git(['config', '--get', key], cwd).then((s) => s.trim(), () => '');
  const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
  if (!name && !email) return null;
  return name && email ? `${name} <${email}>` : name || email;
}
