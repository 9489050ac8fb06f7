import { RepoNotFoundError } from 'src/common/errors/hub-error';
import { assertRepoIdSegments, splitRevisionAndPath } from 'src/download/file-target';

describe(splitRevisionAndPath.name, () => {
  it.each([
    [['main', 'config.json'], 'main', 'config.json'],
    [['main', 'dir a', 'é #1.txt'], 'main', 'dir a/é #1.txt'],
    [['feat/x', 'a.txt'], 'feat/x', 'a.txt'],
    [['refs/pr/1', 'a.txt'], 'refs/pr/1', 'a.txt'],
    [['refs', 'pr', '12', 'sub', 'a.txt'], 'refs/pr/12', 'sub/a.txt'],
    [['refs', 'convert', 'parquet', 'a.parquet'], 'refs/convert/parquet', 'a.parquet'],
    [['refs', 'pr', 'x', 'a.txt'], 'refs', 'pr/x/a.txt'],
    [['refs', 'heads', 'main', 'a.txt'], 'refs', 'heads/main/a.txt'],
    [['main'], 'main', ''],
    [[], '', ''],
  ])('should split %p into revision %p and path %p', (segments, revision, path) => {
    expect(splitRevisionAndPath(segments)).toEqual({ revision, path });
  });
});

describe(assertRepoIdSegments.name, () => {
  it('should accept the characters repository ids are made of', () => {
    expect(() => assertRepoIdSegments('alice-lab', 'My_Model.v2')).not.toThrow();
  });

  it.each([
    ['alice/../bob', 'x'],
    ['alice', 'a/b'],
    ['alice', ''],
    ['alice', 'a b'],
    ['alice', 'a%2Fb'],
    ['alice', 'x'.repeat(97)],
  ])('should answer RepoNotFound for %p / %p without any lookup', (namespace, name) => {
    expect(() => assertRepoIdSegments(namespace, name)).toThrow(RepoNotFoundError);
  });
});
