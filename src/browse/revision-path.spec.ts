import { GitRef, GitRepository } from 'src/git/git-repository';
import { routeSegments, splitRevisionAndPath } from 'src/browse/revision-path';

const SHA = 'a'.repeat(40);

/** A repository that only answers `listRefs`, with these ref names. */
function repoWithRefs(names: string[]): { git: GitRepository; listRefs: jest.Mock } {
  const listRefs = jest.fn((prefixes: readonly string[]) =>
    Promise.resolve(
      names
        .filter((name) => prefixes.some((prefix) => name === prefix || name.startsWith(`${prefix}/`)))
        .map((name): GitRef => ({ name, sha: SHA, type: 'commit', commitSha: SHA })),
    ),
  );
  return { git: { listRefs } as unknown as GitRepository, listRefs };
}

describe('routeSegments', () => {
  it('should take Express wildcard arrays or strings and drop a trailing slash', () => {
    expect(routeSegments(['main', 'a b', ''])).toEqual(['main', 'a b']);
    expect(routeSegments('main/x/')).toEqual(['main', 'x']);
    expect(routeSegments(undefined)).toEqual([]);
  });
});

describe('splitRevisionAndPath', () => {
  const refs = ['refs/heads/main', 'refs/heads/feat/x', 'refs/tags/v1', 'refs/pr/3', 'refs/heads/deep/er/branch'];

  it('should take an encoded revision (a segment holding "/") whole, without looking at refs', async () => {
    const { git, listRefs } = repoWithRefs(refs);
    expect(await splitRevisionAndPath(git, ['feat/x', 'dir/file.txt'])).toEqual({
      revision: 'feat/x',
      path: 'dir/file.txt',
    });
    expect(await splitRevisionAndPath(git, ['refs/pr/3'])).toEqual({ revision: 'refs/pr/3', path: '' });
    expect(await splitRevisionAndPath(git, ['main'])).toEqual({ revision: 'main', path: '' });
    expect(listRefs).not.toHaveBeenCalled();
  });

  it('should match the longest branch or tag a raw revision names', async () => {
    const { git } = repoWithRefs(refs);
    expect(await splitRevisionAndPath(git, ['feat', 'x', 'dir', 'f.txt'])).toEqual({
      revision: 'feat/x',
      path: 'dir/f.txt',
    });
    expect(await splitRevisionAndPath(git, ['deep', 'er', 'branch'])).toEqual({ revision: 'deep/er/branch', path: '' });
    expect(await splitRevisionAndPath(git, ['main', 'sub dir/x'])).toEqual({ revision: 'main', path: 'sub dir/x' });
    expect(await splitRevisionAndPath(git, ['refs', 'heads', 'feat', 'x', 'a'])).toEqual({
      revision: 'refs/heads/feat/x',
      path: 'a',
    });
    expect(await splitRevisionAndPath(git, ['refs', 'pr', '3', 'a', 'b'])).toEqual({
      revision: 'refs/pr/3',
      path: 'a/b',
    });
  });

  it('should recognise pull request and convert refs by shape, and else take the first segment', async () => {
    const { git } = repoWithRefs(refs);
    expect(await splitRevisionAndPath(git, ['refs', 'pr', '9', 'a'])).toEqual({ revision: 'refs/pr/9', path: 'a' });
    expect(await splitRevisionAndPath(git, ['refs', 'convert', 'parquet', 'a'])).toEqual({
      revision: 'refs/convert/parquet',
      path: 'a',
    });
    expect(await splitRevisionAndPath(git, ['nope', 'a', 'b'])).toEqual({ revision: 'nope', path: 'a/b' });
    expect(await splitRevisionAndPath(git, [SHA, 'a'])).toEqual({ revision: SHA, path: 'a' });
  });

  it('should not ask git about a first segment that cannot start a ref name', async () => {
    const { git, listRefs } = repoWithRefs(refs);
    expect(await splitRevisionAndPath(git, ['-x', 'a'])).toEqual({ revision: '-x', path: 'a' });
    expect(await splitRevisionAndPath(git, ['a..b', 'c'])).toEqual({ revision: 'a..b', path: 'c' });
    expect(listRefs).not.toHaveBeenCalled();
  });
});
