// The globs a scenario names files with (budgets.disk.allow), matched against a path relative to
// the project root (or absolute, outside it): picomatch's, with a bare name ('*.log') matching in
// any folder, as .gitignore reads it.
import picomatch from 'picomatch';

export type PathMatcher = (relativePath: string) => boolean;

export function pathMatcher(globs: readonly string[]): PathMatcher {
  if (globs.length === 0) return () => false;
  const bare = globs.filter((g) => !g.includes('/'));
  const rooted = globs.filter((g) => g.includes('/'));
  const byName = bare.length ? picomatch(bare, { dot: true, basename: true }) : () => false;
  const byPath = rooted.length ? picomatch(rooted, { dot: true }) : () => false;
  return (p) => byName(p) || byPath(p);
}

/** A glob picomatch cannot read: the message, else null. */
export function globProblem(glob: string): string | null {
  if (glob.trim() === '') return 'expected a glob such as \'*.log\' or \'logs/**\', got an empty string';
  try {
    picomatch.makeRe(glob, { strictBrackets: true });
    return null;
  } catch (err) {
    return `expected a glob such as '*.log' or 'logs/**', got '${glob}': ${(err as Error).message}`;
  }
}
