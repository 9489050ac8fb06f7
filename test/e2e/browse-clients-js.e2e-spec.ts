import { countCommits, listCommits, listFiles, ListFileEntry, pathsInfo } from '@huggingface/hub';
import request from 'supertest';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import { BrowseRepo, gitTree, seedBrowseRepo } from 'test/e2e/browse-fixtures';
import {
  ACCOUNT_TEST_ENV,
  committedOid,
  createRepo,
  fileLine,
  gitIn,
  header,
  newWriter,
  openGit,
  Writer,
} from 'test/e2e/commit-helpers';

/** More entries than one tree page (1,000) holds. */
const MANY_FILES = 1100;

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) {
    items.push(item);
  }
  return items;
}

/** The JS client (@huggingface/hub) reading trees, paths-info and history; it sends revisions raw. */
describe('browsing with @huggingface/hub', () => {
  let hub: TestHub;
  let alice: Writer;
  let repo: BrowseRepo;

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    alice = await newWriter(hub, 'alice');
    repo = await seedBrowseRepo(hub, alice.token, 'alice/js-browse');
    await createRepo(hub, alice.token, 'many');
    await committedOid(hub, alice.token, 'alice/many', [
      header('Many files'),
      ...Array.from({ length: MANY_FILES }, (_, index) => fileLine(`d${index % 4}/f${index}.txt`, `${index}\n`)),
    ]);
  });

  afterAll(async () => {
    await hub.close();
  });

  const credentials = (): { accessToken: string; hubUrl: string } => ({ accessToken: alice.token, hubUrl: hub.url });

  it('should list every file and folder across pages with listFiles', async () => {
    const firstPage = await request(hub.url).get('/api/models/alice/many/tree/main?recursive=true&expand=false');
    expect(firstPage.body).toHaveLength(1000);
    expect(firstPage.headers.link).toBeDefined();
    const entries = await collect(listFiles({ repo: 'alice/many', recursive: true, ...credentials() }));
    const expected = await gitTree(hub, 'alice/many', 'main', '', true);
    expect(entries.map((entry) => [entry.type, entry.path, entry.oid])).toEqual(
      expected.map((entry) => [entry.type === 'tree' ? 'directory' : 'file', entry.path, entry.sha]),
    );
    expect(entries).toHaveLength(MANY_FILES + 5);
    const expanded = await collect(listFiles({ repo: 'alice/many', recursive: true, expand: true, ...credentials() }));
    expect(expanded.map((entry) => entry.path)).toEqual(entries.map((entry) => entry.path));
    expect(new Set(expanded.map((entry) => entry.lastCommit?.title))).toEqual(
      new Set(['Many files', 'initial commit']),
    );
  });

  it('should list a folder, a raw branch with a slash, and expanded entries', async () => {
    const root = await collect(listFiles({ repo: repo.repoId, ...credentials() }));
    const weights = root.find((entry) => entry.path === 'weights.bin') as ListFileEntry;
    expect(weights).toMatchObject({
      type: 'file',
      size: repo.weights.length,
      lfs: { oid: repo.weightsOid, size: repo.weights.length, pointerSize: expect.any(Number) },
    });
    expect(weights.xetHash).toBeUndefined();
    const feature = await collect(
      listFiles({ repo: repo.repoId, revision: 'feat/x', path: 'sub dir', ...credentials() }),
    );
    expect(feature.map((entry) => entry.path)).toEqual(['sub dir/deep', 'sub dir/feature.txt', 'sub dir/notes é.txt']);
    const pullRequest = await collect(listFiles({ repo: repo.repoId, revision: 'refs/pr/1', ...credentials() }));
    expect(pullRequest.map((entry) => entry.path)).toContain('proposal.txt');
    const expanded = await collect(listFiles({ repo: repo.repoId, expand: true, path: 'sub dir', ...credentials() }));
    expect(expanded.map((entry) => entry.lastCommit)).toEqual([
      { id: expect.stringMatching(/^[0-9a-f]{40}$/), title: 'Add files', date: expect.any(String) },
      { id: expect.stringMatching(/^[0-9a-f]{40}$/), title: 'Add files', date: expect.any(String) },
    ]);
    await expect(collect(listFiles({ repo: repo.repoId, path: 'nope', ...credentials() }))).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('should describe paths with pathsInfo (JSON body), with and without expand', async () => {
    const tree = await gitTree(hub, repo.repoId, 'main', '', true);
    const shaOf = (path: string): string | undefined => tree.find((entry) => entry.path === path)?.sha;
    const plain = await pathsInfo({
      repo: repo.repoId,
      paths: ['weights.bin', 'sub dir', 'missing'],
      ...credentials(),
    });
    expect(plain).toEqual([
      {
        path: 'weights.bin',
        type: 'file',
        oid: shaOf('weights.bin'),
        size: repo.weights.length,
        lfs: { oid: repo.weightsOid, size: repo.weights.length, pointerSize: expect.any(Number) },
        xetHash: undefined,
        uploadedAt: undefined,
        securityFileStatus: undefined,
        lastCommit: undefined,
      },
      {
        path: 'sub dir',
        type: 'directory',
        oid: shaOf('sub dir'),
        size: 0,
        lfs: undefined,
        xetHash: undefined,
        uploadedAt: undefined,
        securityFileStatus: undefined,
        lastCommit: undefined,
      },
    ]);
    const expanded = await pathsInfo({
      repo: repo.repoId,
      paths: ['config.json'],
      expand: true,
      revision: 'feat/x',
      ...credentials(),
    });
    expect(expanded[0].lastCommit).toEqual({ id: repo.main, title: 'Update config', date: expect.any(Date) });
    const git = await openGit(hub, repo.repoId);
    const seconds = gitIn(git, ['log', '-1', '--format=%ct', repo.main]).trim();
    expect(expanded[0].lastCommit?.date.getTime()).toBe(Number(seconds) * 1000);
  });

  it('should list every commit one per page and count them', async () => {
    const git = await openGit(hub, repo.repoId);
    const ids = gitIn(git, ['log', '--format=%H', 'main']).trim().split('\n');
    const commits = await collect(listCommits({ repo: repo.repoId, batchSize: 1, ...credentials() }));
    expect(commits.map((commit) => commit.oid)).toEqual(ids);
    expect(commits[0]).toEqual({
      oid: repo.main,
      title: 'Update config',
      message: '',
      authors: [{ username: 'alice', avatarUrl: undefined }],
      date: expect.any(Date),
    });
    expect(await countCommits({ repo: repo.repoId, ...credentials() })).toBe(ids.length);
    const featureCount = Number(gitIn(git, ['rev-list', '--count', 'refs/heads/feat/x']).trim());
    expect(await countCommits({ repo: repo.repoId, revision: 'feat/x', ...credentials() })).toBe(featureCount);
    const onFeature = await collect(listCommits({ repo: repo.repoId, revision: 'feat/x', ...credentials() }));
    expect(onFeature[0].oid).toBe(repo.feature);
    await expect(collect(listCommits({ repo: repo.repoId, revision: 'nope', ...credentials() }))).rejects.toMatchObject(
      { statusCode: 404 },
    );
  });
});
