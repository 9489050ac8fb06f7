import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidPathError } from 'src/common/errors/hub-error';
import { loadHubConfig } from 'src/config/hub-config';
import { CatFilePool } from 'src/git/cat-file-pool';
import { GitProcess } from 'src/git/git-process';
import { GitObjectCache } from 'src/git/git-object-cache';
import { GitRepoStore } from 'src/git/git-repo-store';
import { GitRepository } from 'src/git/git-repository';
import { GitCommandError, InvalidGitIdError, InvalidRevisionError } from 'src/git/git.errors';

const AUTHOR = { name: 'Ada', email: 'ada@example.com', date: new Date('2024-05-01T10:20:30Z') };
const LATER = { ...AUTHOR, date: new Date('2024-06-02T08:00:00Z') };

/** `lookupCommit` / `lookupPath`: revision and path lookups through the pooled cat-file processes. */
describe(`${GitRepository.name} lookups`, () => {
  let dataDir: string;
  let pool: CatFilePool;
  let store: GitRepoStore;
  let sut: GitRepository;
  let first: string;
  let second: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kohaku-git-lookup-'));
    const config = loadHubConfig({ KOHAKU_HUB_DATA_DIR: dataDir });
    const gitProcess = new GitProcess(config);
    pool = new CatFilePool(config, gitProcess);
    store = new GitRepoStore(config, gitProcess, pool, new GitObjectCache());
    await store.prepare();
    sut = await store.create('abcd0001');
    first = (
      await sut.createCommit({
        parent: null,
        message: 'first',
        author: AUTHOR,
        committer: AUTHOR,
        changes: [
          { kind: 'put', path: 'a.txt', mode: '100644', content: Buffer.from('one') },
          { kind: 'put', path: 'dir x/é #1.txt', mode: '100644', content: Buffer.from('two') },
        ],
      })
    ).commitSha;
    await sut.updateRef('refs/heads/main', first, null);
    await sut.updateRef('refs/pr/1', first, null);
    execFileSync('git', [`--git-dir=${sut.gitDir}`, 'tag', '-a', '-m', 'release', 'v1', first]);
  });

  afterAll(async () => {
    await pool.onModuleDestroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should resolve branches, peeled annotated tags, pull request refs, ids and HEAD to the commit and its date', async () => {
    for (const revision of ['main', 'refs/heads/main', 'v1', 'refs/pr/1', first, first.slice(0, 10), 'HEAD']) {
      expect([revision, await sut.lookupCommit(revision)]).toEqual([
        revision,
        { sha: first, committedAt: AUTHOR.date },
      ]);
    }
  });

  it('should see a branch move made by another process at once', async () => {
    second = (
      await sut.createCommit({
        parent: first,
        message: 'second',
        author: LATER,
        committer: LATER,
        changes: [{ kind: 'put', path: 'b.txt', mode: '100644', content: Buffer.from('three') }],
      })
    ).commitSha;
    expect((await sut.lookupCommit('main'))?.sha).toBe(first);
    await sut.updateRef('refs/heads/main', second, first);
    expect(await sut.lookupCommit('main')).toEqual({ sha: second, committedAt: LATER.date });
    expect((await sut.lookupPath(second, 'b.txt'))?.size).toBe(5);
  });

  it('should answer null for revisions that name no commit, and refuse expressions', async () => {
    expect(await sut.lookupCommit('nope')).toBeNull();
    expect(await sut.lookupCommit('refs/pr/2')).toBeNull();
    expect(await sut.lookupCommit('f'.repeat(40))).toBeNull();
    for (const revision of ['main:a.txt', 'main^', 'main~1', '-x', 'a b', 'main\nHEAD']) {
      await expect(sut.lookupCommit(revision)).rejects.toThrow(InvalidRevisionError);
    }
  });

  it('should find blobs and folders by path, with spaces and non-ASCII names, and null for missing paths', async () => {
    const blobId = execFileSync('git', [`--git-dir=${sut.gitDir}`, 'rev-parse', `${first}:dir x/é #1.txt`], {
      encoding: 'utf8',
    }).trim();
    expect(await sut.lookupPath(first, 'dir x/é #1.txt')).toEqual({ sha: blobId, type: 'blob', size: 3 });
    expect((await sut.lookupPath(first, 'dir x'))?.type).toBe('tree');
    expect(await sut.lookupPath(first, 'missing.txt')).toBeNull();
    expect(await sut.lookupPath(first, 'a.txt/deeper')).toBeNull();
    expect(await sut.lookupPath(first, 'missing missing')).toBeNull();
  });

  it('should stream a blob from a process of its own, and fail the stream for a blob that is missing', async () => {
    const blobId = (await sut.lookupPath(first, 'a.txt'))?.sha ?? '';
    const chunks: Buffer[] = [];
    for await (const chunk of sut.streamBlob(blobId) as AsyncIterable<Buffer>) {
      chunks.push(chunk);
    }
    expect(Buffer.concat(chunks).toString()).toBe('one');
    const missing = sut.streamBlob('e'.repeat(40));
    await expect(
      (async () => {
        for await (const chunk of missing as AsyncIterable<Buffer>) {
          chunks.push(chunk);
        }
      })(),
    ).rejects.toThrow(GitCommandError);
    expect(() => sut.streamBlob('main')).toThrow(InvalidGitIdError);
  });

  it('should refuse paths that escape or break the request line, and malformed commit ids', async () => {
    for (const path of ['../a.txt', 'dir x/../a.txt', '/a.txt', '', '.git/config', 'a\nb']) {
      await expect(sut.lookupPath(first, path)).rejects.toThrow(InvalidPathError);
    }
    await expect(sut.lookupPath('main', 'a.txt')).rejects.toThrow(InvalidGitIdError);
  });

  it('should answer repeated lookups of an id from the object cache, but never a revision, nor across repositories', async () => {
    const blobId = (await sut.lookupPath(first, 'a.txt'))?.sha ?? '';
    await sut.lookupCommit(first);
    expect((await sut.readSmallBlob(blobId, 1024))?.toString()).toBe('one');
    const readObject = jest.spyOn(pool, 'readObject');
    const readHeader = jest.spyOn(pool, 'readObjectHeaderByName');
    try {
      expect(await sut.lookupCommit(first)).toEqual({ sha: first, committedAt: AUTHOR.date });
      expect((await sut.lookupPath(first, 'a.txt'))?.sha).toBe(blobId);
      expect((await sut.readSmallBlob(blobId, 1024))?.toString()).toBe('one');
      expect(await sut.readSmallBlob(blobId, 2)).toBeNull();
      expect(readObject).not.toHaveBeenCalled();
      expect(readHeader).toHaveBeenCalledTimes(1);

      const other = await store.create('abcd0002');
      expect(await other.lookupCommit(first)).toBeNull();
      expect(await other.lookupPath(first, 'a.txt')).toBeNull();
      expect(await other.readSmallBlob(blobId, 1024)).toBeNull();
    } finally {
      readObject.mockRestore();
      readHeader.mockRestore();
    }
  });
});
