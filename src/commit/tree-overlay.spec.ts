import { ProbedEntry } from 'src/git/tree-probe';
import { TreeOverlay } from 'src/commit/tree-overlay';

const BLOB = (sha: string): ProbedEntry => ({ type: 'blob', sha, size: 1 });
const TREE: ProbedEntry = { type: 'tree', sha: 't'.repeat(40), size: 0 };

function overlayOver(entries: Record<string, ProbedEntry>): { sut: TreeOverlay; lookups: string[] } {
  const lookups: string[] = [];
  const sut = new TreeOverlay({
    lookup: (path) => {
      lookups.push(path);
      return Promise.resolve(entries[path] ?? null);
    },
  });
  return { sut, lookups };
}

const FILE = { sha: 'f'.repeat(40), mode: '100644' as const, lfs: null };

describe(TreeOverlay.name, () => {
  it('should answer from the base tree until the commit touches a path', async () => {
    const { sut, lookups } = overlayOver({
      'a.txt': BLOB('1'.repeat(40)),
      dir: TREE,
      'dir/b.txt': BLOB('2'.repeat(40)),
    });
    expect(await sut.fileAt('a.txt')).toEqual({ base: BLOB('1'.repeat(40)) });
    expect(await sut.fileAt('dir')).toBeNull();
    expect(await sut.hasFolder('dir')).toBe(true);
    expect(await sut.hasFolder('a.txt')).toBe(false);
    sut.deleteFile('a.txt');
    expect(await sut.fileAt('a.txt')).toBeNull();
    sut.put('a.txt', FILE);
    expect(await sut.fileAt('a.txt')).toEqual({ written: FILE });
    expect(lookups).toEqual(['a.txt', 'dir', 'dir', 'a.txt']);
  });

  it('should hide the base content of a deleted folder but see files written into it afterwards', async () => {
    const { sut } = overlayOver({ dir: TREE, 'dir/b.txt': BLOB('2'.repeat(40)), 'dir/sub': TREE });
    sut.put('dir/new.txt', FILE);
    sut.deleteFolder('dir');
    expect(await sut.fileAt('dir/b.txt')).toBeNull();
    expect(await sut.fileAt('dir/new.txt')).toBeNull();
    expect(await sut.hasFolder('dir')).toBe(false);
    expect(await sut.hasFolder('dir/sub')).toBe(false);
    sut.put('dir/again.txt', FILE);
    expect(await sut.hasFolder('dir')).toBe(true);
    expect(await sut.fileAt('dir/again.txt')).toEqual({ written: FILE });
    expect(sut.written('dir/b.txt')).toBeNull();
    expect(sut.written('other.txt')).toBeUndefined();
  });

  it('should list the LFS files the commit keeps', () => {
    const { sut } = overlayOver({});
    const pointer = { oid: 'a'.repeat(64), size: 3 };
    sut.put('w.bin', { ...FILE, lfs: pointer });
    sut.put('gone.bin', { ...FILE, lfs: pointer });
    sut.deleteFile('gone.bin');
    sut.put('r.txt', FILE);
    expect(sut.lfsFiles()).toEqual([{ path: 'w.bin', pointer }]);
  });
});
