import { Logger } from '@nestjs/common';
import { GitRepository } from 'src/git/git-repository';
import { parseReadme } from 'src/repo-info/repo-card';
import { IndexedRepo, RepoCardIndexer } from 'src/repo-info/repo-card-indexer';
import { RepoIndexFields, RepoIndexRepository, RepoIndexRow } from 'src/repo-info/repo-index.repository';
import { RepoFile, RepoSnapshotReader } from 'src/repo-info/repo-snapshot';

const HEAD = 'a'.repeat(40);
const REPO: IndexedRepo = { id: 7, storageId: 'abcd', type: 'model', sdk: null, fullId: 'alice/model' };
const FILES: RepoFile[] = [
  { path: 'README.md', blobId: 'b'.repeat(40), size: 40 },
  { path: 'w.bin', blobId: 'c'.repeat(40), size: 1000, lfs: { sha256: 'd'.repeat(64), size: 1000, pointerSize: 130 } },
  {
    path: 'copy.bin',
    blobId: 'c'.repeat(40),
    size: 1000,
    lfs: { sha256: 'd'.repeat(64), size: 1000, pointerSize: 130 },
  },
];

describe(RepoCardIndexer.name, () => {
  let heads: (string | null)[];
  let stored: RepoIndexRow | null;
  let saved: { repoId: number; fields: RepoIndexFields; tags: readonly string[] }[];
  let sut: RepoCardIndexer;
  let listFiles: jest.Mock;

  beforeEach(() => {
    heads = [HEAD, HEAD];
    stored = null;
    saved = [];
    const git = { resolveCommit: jest.fn(() => Promise.resolve(heads.shift() ?? null)) } as unknown as GitRepository;
    listFiles = jest.fn(() => Promise.resolve(FILES));
    const snapshots = {
      open: () => git,
      commitDate: jest.fn(() => Promise.resolve(new Date('2024-05-01T10:20:30Z'))),
      listFiles,
      readReadme: jest.fn(() =>
        Promise.resolve(parseReadme('---\nlicense: mit\npipeline_tag: fill-mask\ntags: [x]\n---\n')),
      ),
    } as unknown as RepoSnapshotReader;
    const index = {
      findIndex: jest.fn(() => Promise.resolve(stored)),
      saveIndex: jest.fn((repoId: number, fields: RepoIndexFields, tags: readonly string[]) => {
        saved.push({ repoId, fields, tags });
        return Promise.resolve();
      }),
    } as unknown as RepoIndexRepository;
    sut = new RepoCardIndexer(snapshots, index);
  });

  it('should store the card, date, tags and storage of the default branch head', async () => {
    await sut.refresh(REPO, HEAD);
    expect(saved).toEqual([
      {
        repoId: 7,
        fields: {
          lastModified: new Date('2024-05-01T10:20:30Z'),
          cardSha: HEAD,
          cardData: JSON.stringify({ license: 'mit', pipeline_tag: 'fill-mask', tags: ['x'] }),
          pipelineTag: 'fill-mask',
          libraryName: null,
          usedStorage: 40 + 1000,
        },
        tags: ['x', 'fill-mask', 'license:mit'],
      },
    ]);
    expect(listFiles).toHaveBeenCalledWith(expect.anything(), HEAD, { withLfs: true });
  });

  it('should do nothing for a commit that is not the head of the default branch', async () => {
    heads = ['e'.repeat(40)];
    await sut.refresh(REPO, HEAD);
    expect(saved).toEqual([]);
    expect(listFiles).not.toHaveBeenCalled();
  });

  it('should not write when the head moved while it was reading', async () => {
    heads = [HEAD, 'e'.repeat(40)];
    await sut.refresh(REPO, HEAD);
    expect(saved).toEqual([]);
  });

  it('should skip a commit that is already indexed', async () => {
    stored = { lastModified: new Date(), cardSha: HEAD, usedStorage: 1, trendingScore: 0 };
    await sut.refresh(REPO, HEAD);
    expect(saved).toEqual([]);
  });

  it('should never throw: a failed refresh is logged, the caller goes on', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    listFiles.mockRejectedValueOnce(new Error('git is gone'));
    await expect(sut.refresh(REPO, HEAD)).resolves.toBeUndefined();
    expect(saved).toEqual([]);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ repo: 'alice/model', commit: HEAD }),
      'Could not refresh the repository card index',
    );
    warn.mockRestore();
  });
});
