import { describe, expect, it } from 'vitest';
import { globProblem, pathMatcher } from './pathGlob.ts';

describe('pathMatcher', () => {
  it('reads globs as .gitignore does: a bare name in any folder, * within a folder, ** across', () => {
    expect(pathMatcher(['*.log'])('fixtures/disk/app.log')).toBe(true);
    expect(pathMatcher(['*.log'])('app.log.1')).toBe(false);
    expect(pathMatcher(['*.log*'])('logs/app.log.1')).toBe(true);
    expect(pathMatcher(['logs/*.log'])('logs/a.log')).toBe(true);
    expect(pathMatcher(['logs/*.log'])('x/logs/a.log')).toBe(false);
    expect(pathMatcher(['logs/*.log'])('logs/y/a.log')).toBe(false);
    expect(pathMatcher(['logs/**'])('logs/y/a.log')).toBe(true);
    expect(pathMatcher(['**/app.log*'])('a/b/app.log.2')).toBe(true);
    expect(pathMatcher(['*.log'])('.hidden/x.log')).toBe(true);
    expect(pathMatcher([])('a.log')).toBe(false);
  });
  it('names a glob it cannot read', () => {
    expect(globProblem('*.log')).toBeNull();
    expect(globProblem('')).toMatch(/expected a glob/);
    expect(globProblem('[a')).toMatch(/expected a glob such as/);
  });
});
