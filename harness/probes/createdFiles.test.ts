import { describe, expect, it } from 'vitest';
import { mkdirSync, renameSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { createCreatedFilesWatcher } from './createdFiles.ts';
import { tempDir } from '../../fixtures/testing/tempDir.ts';

// a clock far ahead of every mtime: no folder counts as changed in the same tick as its listing
const later = () => Date.now() + 60_000;

const names = (dir: string, r: { files: { path: string; bytes: number }[] }) =>
  r.files.map((f) => [path.relative(dir, f.path), f.bytes]).sort();

describe('createCreatedFilesWatcher', () => {
  it('finds what was created since a folder was first listed, at any depth, with its size now', () => {
    const dir = tempDir('seep-created-');
    writeFileSync(path.join(dir, 'old.txt'), 'old');
    mkdirSync(path.join(dir, 'cache'));
    const w = createCreatedFilesWatcher({ now: later });
    w.addRoot(dir);
    expect(w.read().files).toEqual([]);
    writeFileSync(path.join(dir, 'cache', 'a'), 'aa');
    mkdirSync(path.join(dir, 'cache', 'ab'));
    writeFileSync(path.join(dir, 'cache', 'ab', 'b'), 'bbb');
    appendFileSync(path.join(dir, 'old.txt'), 'more'); // grows, was not created
    expect(names(dir, w.read())).toEqual([['cache/a', 2], ['cache/ab/b', 3]]);
    expect(w.read().dirs).toEqual([path.join(dir, 'cache', 'ab')]);
    appendFileSync(path.join(dir, 'cache', 'a'), 'aaaa');
    expect(names(dir, w.read())).toEqual([['cache/a', 6], ['cache/ab/b', 3]]);
  });

  it('forgets what was removed, and takes a file replaced by a rename for a created one', () => {
    const dir = tempDir('seep-created-');
    writeFileSync(path.join(dir, 'state.json'), '{}');
    const w = createCreatedFilesWatcher({ now: later });
    w.addRoot(dir);
    writeFileSync(path.join(dir, 'state.json.tmp'), '{"a":1}');
    renameSync(path.join(dir, 'state.json.tmp'), path.join(dir, 'state.json'));
    mkdirSync(path.join(dir, 'gone'));
    writeFileSync(path.join(dir, 'gone', 'x'), 'x');
    expect(names(dir, w.read())).toEqual([['gone/x', 1], ['state.json', 7]]);
    rmSync(path.join(dir, 'gone'), { recursive: true });
    expect(names(dir, w.read())).toEqual([['state.json', 7]]);
    expect(w.read().dirs).toEqual([]);
  });

  it('does not look into dependencies, version control or the folders it is told to skip', () => {
    const dir = tempDir('seep-created-');
    mkdirSync(path.join(dir, 'node_modules'));
    mkdirSync(path.join(dir, 'reports'));
    const w = createCreatedFilesWatcher({ now: later, skip: [path.join(dir, 'reports')] });
    w.addRoot(dir);
    writeFileSync(path.join(dir, 'node_modules', 'x'), 'x');
    writeFileSync(path.join(dir, 'reports', 'x'), 'x');
    mkdirSync(path.join(dir, '.git'));
    writeFileSync(path.join(dir, '.git', 'x'), 'x');
    writeFileSync(path.join(dir, 'kept'), 'k');
    expect(names(dir, w.read())).toEqual([['kept', 1]]);
  });

  it('lists a folder again when it changed in the tick of its last listing, whatever its mtime says', () => {
    const dir = tempDir('seep-created-');
    // a clock at the mtime: every folder counts as just changed, so each read lists it again
    const w = createCreatedFilesWatcher({ now: () => 0 });
    w.addRoot(dir);
    writeFileSync(path.join(dir, 'a'), 'a');
    expect(names(dir, w.read())).toEqual([['a', 1]]);
  });

  it('follows at most maxDirs folders, and says so', () => {
    const dir = tempDir('seep-created-');
    for (const d of ['a', 'b', 'c']) mkdirSync(path.join(dir, d));
    const w = createCreatedFilesWatcher({ now: later, maxDirs: 2 });
    w.addRoot(dir);
    expect(w.read().errors.join()).toMatch(/follows 2 folders at most/);
  });

  it('takes the sizes it is given for the files it would stat (those open in the tree)', () => {
    const dir = tempDir('seep-created-');
    const w = createCreatedFilesWatcher({ now: later });
    w.addRoot(dir);
    writeFileSync(path.join(dir, 'open.log'), 'x');
    writeFileSync(path.join(dir, 'closed.log'), 'yy');
    const r = w.read(new Map([[path.join(dir, 'open.log'), { bytes: 99, dev: 1 }]]));
    expect(names(dir, r)).toEqual([['closed.log', 2], ['open.log', 99]]);
  });
});
