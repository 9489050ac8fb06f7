import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { EntryNotFoundError, InvalidPathError, RevisionNotFoundError } from 'src/common/errors/hub-error';
import { HubConfig, loadHubConfig } from 'src/config/hub-config';
import { CatFilePool } from 'src/git/cat-file-pool';
import { GitProcess } from 'src/git/git-process';
import { GitObjectCache } from 'src/git/git-object-cache';
import { GitRepoStore } from 'src/git/git-repo-store';
import { CommitChange, GitIdentity, GitRepository } from 'src/git/git-repository';
import {
  GitRepoAlreadyExistsError,
  InvalidRefNameError,
  InvalidRevisionError,
  RefUpdateConflictError,
} from 'src/git/git.errors';

const ALICE: GitIdentity = {
  name: 'Alice Ünïcode',
  email: 'alice@example.com',
  date: new Date('2024-03-01T12:00:00Z'),
};
const HUB: GitIdentity = { name: 'Kohaku Hub', email: 'hub@example.com', date: new Date('2024-03-01T12:00:05Z') };

/** Independent check through the real git CLI, not through the adapter under test. */
function gitCli(gitDir: string, ...args: string[]): string {
  return execFileSync('git', [`--git-dir=${gitDir}`, ...args], { encoding: 'utf8' }).trim();
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Lets a change generator yield across event-loop turns, as a change list parsed from a request would. */
function nextTick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sha256(buffer: Buffer): string {
  return createHash('sha256').update(buffer).digest('hex');
}

function put(path: string, content: string | Buffer, mode: '100644' | '100755' = '100644'): CommitChange {
  return { kind: 'put', path, mode, content: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8') };
}

function newStorageId(): string {
  return randomBytes(16).toString('hex');
}

describe('git adapter (real bare repositories)', () => {
  let dataDir: string;
  let config: HubConfig;
  let gitProcess: GitProcess;
  let pool: CatFilePool;
  let store: GitRepoStore;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kohaku-git-int-'));
    config = loadHubConfig({ KOHAKU_HUB_DATA_DIR: dataDir });
    gitProcess = new GitProcess(config);
    pool = new CatFilePool(config, gitProcess);
    store = new GitRepoStore(config, gitProcess, pool, new GitObjectCache());
    await gitProcess.assertGitVersion();
    await store.prepare();
  });

  afterAll(async () => {
    await pool.onModuleDestroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function commitOn(
    repo: GitRepository,
    branch: string,
    parent: string | null,
    changes: CommitChange[],
    message = 'update',
  ): Promise<string> {
    const { commitSha } = await repo.createCommit({ parent, message, author: ALICE, committer: HUB, changes });
    await repo.updateRef(`refs/heads/${branch}`, commitSha, parent);
    return commitSha;
  }

  describe('repository store', () => {
    it('should create, detect and remove a bare repository under its sharded path', async () => {
      const id = randomUUID();
      expect(await store.exists(id)).toBe(false);

      const repo = await store.create(id);

      const path = join(config.git.root, 'repos', id.slice(0, 2), id.slice(2, 4), `${id}.git`);
      expect(repo.gitDir).toBe(path);
      expect(await store.exists(id)).toBe(true);
      expect(gitCli(path, 'rev-parse', '--is-bare-repository')).toBe('true');
      expect(gitCli(path, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main');
      expect(gitCli(path, 'config', 'uploadpack.allowReachableSHA1InWant')).toBe('true');
      expect(gitCli(path, 'config', 'receive.fsckObjects')).toBe('true');
      expect(gitCli(path, 'config', 'transfer.hideRefs')).toBe('refs/kohaku');
      expect(await repo.readHead()).toEqual({ ref: 'refs/heads/main', branch: 'main', commitSha: null });
      expect(await repo.defaultBranch()).toBe('main');
      await expect(store.create(id)).rejects.toBeInstanceOf(GitRepoAlreadyExistsError);

      expect(await store.remove(id)).toBe(true);
      expect(await store.exists(id)).toBe(false);
      expect(existsSync(path)).toBe(false);
      expect(readdirSync(join(config.git.root, 'trash'))).toEqual([]);
      expect(readdirSync(join(config.git.root, 'staging'))).toEqual([]);
      expect(await store.remove(id)).toBe(false);
    });

    it('should report healthy when git runs and the root is writable', async () => {
      const health = await store.healthCheck();
      expect(health.isHealthy).toBe(true);
      expect(health.gitVersion).toMatch(/^\d+\.\d+/);
    });
  });

  describe('commits', () => {
    let repo: GitRepository;

    beforeAll(async () => {
      repo = await store.create(newStorageId());
    });

    it('should build a commit from puts, copies and deletes that git itself agrees with', async () => {
      const binary = randomBytes(3000);
      const first = await repo.createCommit({
        parent: null,
        message: 'Initial commit\n\nWith a body.',
        author: ALICE,
        committer: HUB,
        changes: [
          put('README.md', '# hello\n'),
          put('models/v1/config.json', '{"a":1}'),
          put('models/v1/weights.bin', binary),
          put('models/v2/notes.txt', 'v2'),
          put('scripts/run.sh', '#!/bin/sh\necho hi\n', '100755'),
          put('data/ünï cødé file.txt', 'unicode and spaces'),
          put('weird/"quoted" \\ back\tslash.txt', 'quotes'),
          put('weird/new\nline.txt', 'newline in name'),
          put('docs/old.md', 'to be deleted'),
        ],
      });
      expect(first.commitSha).toMatch(/^[0-9a-f]{40}$/);
      expect(first.treeSha).toBe(gitCli(repo.gitDir, 'rev-parse', `${first.commitSha}^{tree}`));

      await repo.updateRef('refs/heads/main', first.commitSha, null);
      expect(gitCli(repo.gitDir, 'rev-parse', 'refs/heads/main')).toBe(first.commitSha);
      expect(await repo.resolveCommit('main')).toBe(first.commitSha);

      const existingBlob = await repo.writeBlob(Buffer.from('reused blob'));
      const second = await repo.createCommit({
        parent: first.commitSha,
        message: 'Second',
        author: ALICE,
        committer: HUB,
        changes: (async function* () {
          await nextTick();
          yield { kind: 'copy', from: 'models/v1', to: 'models/v3' } as const;
          yield { kind: 'copy', from: 'README.md', to: 'docs/README copy.md' } as const;
          yield { kind: 'delete', path: 'docs/old.md' } as const;
          yield { kind: 'delete', path: 'models/v2' } as const;
          yield { kind: 'putExisting', path: 'reused/blob.txt', mode: '100644', blobSha: existingBlob } as const;
          yield { kind: 'delete', path: 'never/existed' } as const;
        })(),
      });
      await repo.updateRef('refs/heads/main', second.commitSha, first.commitSha);
      expect(gitCli(repo.gitDir, 'rev-parse', 'main')).toBe(second.commitSha);
      expect(gitCli(repo.gitDir, 'rev-parse', 'main^')).toBe(first.commitSha);

      const listing = (await repo.lsTree(second.commitSha, '', { recursive: true }))!;
      const files = listing.filter((entry) => entry.type === 'blob').map((entry) => entry.path);
      expect(files.sort()).toEqual(
        [
          'README.md',
          'data/ünï cødé file.txt',
          'docs/README copy.md',
          'models/v1/config.json',
          'models/v1/weights.bin',
          'models/v3/config.json',
          'models/v3/weights.bin',
          'reused/blob.txt',
          'scripts/run.sh',
          'weird/"quoted" \\ back\tslash.txt',
          'weird/new\nline.txt',
        ].sort(),
      );
      const cliFiles = execFileSync('git', [`--git-dir=${repo.gitDir}`, 'ls-tree', '-r', '-z', '--name-only', 'main'])
        .toString('utf8')
        .split('\0')
        .filter((name) => name !== '');
      expect(cliFiles.sort()).toEqual(files.sort());

      const script = listing.find((entry) => entry.path === 'scripts/run.sh')!;
      expect(script.mode).toBe('100755');
      const weights = listing.find((entry) => entry.path === 'models/v3/weights.bin')!;
      expect(weights.size).toBe(3000);
      expect(weights.sha).toBe(listing.find((entry) => entry.path === 'models/v1/weights.bin')!.sha);
      expect(listing.find((entry) => entry.path === 'reused/blob.txt')!.sha).toBe(existingBlob);
      expect(listing.some((entry) => entry.path.startsWith('models/v2'))).toBe(false);
      expect(listing.find((entry) => entry.path === 'models')).toMatchObject({ type: 'tree', mode: '040000' });

      const blob = (await repo.readBlob(weights.sha))!;
      expect((await readAll(blob.body)).equals(binary)).toBe(true);

      const [log] = await repo.log('main', { skip: 1, limit: 1 });
      expect(log).toMatchObject({
        sha: first.commitSha,
        parents: [],
        tree: first.treeSha,
        authorName: ALICE.name,
        authorEmail: ALICE.email,
        subject: 'Initial commit',
        body: 'With a body.',
      });
      expect(log.authorDate.toISOString()).toBe(ALICE.date.toISOString());
      expect(log.committerDate.toISOString()).toBe(HUB.date.toISOString());
      expect(gitCli(repo.gitDir, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', first.commitSha)).toBe(
        'Alice Ünïcode <alice@example.com>|Kohaku Hub <hub@example.com>',
      );
      expect(await repo.listRefs()).toEqual([
        { name: 'refs/heads/main', sha: second.commitSha, type: 'commit', commitSha: second.commitSha },
      ]);
      expect(gitCli(repo.gitDir, 'for-each-ref', 'refs/kohaku')).toBe('');
      expect((await repo.fsck()).ok).toBe(true);
    });

    it('should start from an empty tree with resetTree and keep the parent link', async () => {
      const parent = await commitOn(repo, 'reset', null, [put('a.txt', 'a'), put('b/c.txt', 'c')]);
      const { commitSha } = await repo.createCommit({
        parent,
        message: 'squash-like',
        author: ALICE,
        committer: HUB,
        resetTree: true,
        changes: [put('only.txt', 'only')],
      });
      expect((await repo.lsTree(commitSha, '', { recursive: true }))!.map((entry) => entry.path)).toEqual(['only.txt']);
      expect(gitCli(repo.gitDir, 'rev-parse', `${commitSha}^`)).toBe(parent);
    });

    it('should build a squash commit with commitTree', async () => {
      const base = await commitOn(repo, 'squash', null, [put('x.txt', '1')]);
      const tip = await commitOn(repo, 'squash', base, [put('x.txt', '2'), put('y.txt', '3')]);
      const tree = gitCli(repo.gitDir, 'rev-parse', `${tip}^{tree}`);
      const message = 'Squashed ✓\n\nline one\nline two';

      const squashed = await repo.commitTree(tree, [], message, ALICE, HUB);

      expect(gitCli(repo.gitDir, 'rev-parse', `${squashed}^{tree}`)).toBe(tree);
      expect(gitCli(repo.gitDir, 'rev-list', '--count', squashed)).toBe('1');
      expect(gitCli(repo.gitDir, 'log', '-1', '--format=%B', squashed)).toBe(message);
      expect(gitCli(repo.gitDir, 'log', '-1', '--format=%an|%ae|%at|%cn|%ct', squashed)).toBe(
        `${ALICE.name}|${ALICE.email}|${ALICE.date.getTime() / 1000}|${HUB.name}|${HUB.date.getTime() / 1000}`,
      );
      const merged = await repo.commitTree(tree, [base, tip], 'two parents', ALICE, HUB);
      expect(gitCli(repo.gitDir, 'log', '-1', '--format=%P', merged)).toBe(`${base} ${tip}`);
    });

    it('should store a streamed blob with writeBlob', async () => {
      const content = randomBytes(200_000);
      const sha = await repo.writeBlob(Readable.from([content.subarray(0, 70_000), content.subarray(70_000)]));
      const expectedSha = createHash('sha1')
        .update(Buffer.concat([Buffer.from(`blob ${content.length}\0`), content]))
        .digest('hex');
      expect(sha).toBe(expectedSha);
      expect(execFileSync('git', [`--git-dir=${repo.gitDir}`, 'cat-file', 'blob', sha]).equals(content)).toBe(true);
    });

    it('should fail a copy from a missing path with EntryNotFound and leave no ref or crash report', async () => {
      const parent = await commitOn(repo, 'copyfail', null, [put('a.txt', 'a')]);
      await expect(
        repo.createCommit({
          parent,
          message: 'bad copy',
          author: ALICE,
          committer: HUB,
          changes: [put('b.txt', 'b'), { kind: 'copy', from: 'missing.txt', to: 'c.txt' }],
        }),
      ).rejects.toBeInstanceOf(EntryNotFoundError);
      expect(gitCli(repo.gitDir, 'for-each-ref', 'refs/kohaku')).toBe('');
      expect(readdirSync(repo.gitDir).filter((name) => name.startsWith('fast_import_crash'))).toEqual([]);
    });

    it('should reject an invalid path met midway through a streamed change list and write no ref', async () => {
      for (const badPath of ['../escape.txt', '/abs.txt', 'a//b.txt', '.git/config', 'dir/./x', 'trailing/']) {
        await expect(
          repo.createCommit({
            parent: null,
            message: 'bad path',
            author: ALICE,
            committer: HUB,
            changes: (async function* () {
              yield put('fine.txt', 'ok');
              await nextTick();
              yield put(badPath, 'nope');
            })(),
          }),
        ).rejects.toBeInstanceOf(InvalidPathError);
      }
      expect(gitCli(repo.gitDir, 'for-each-ref', 'refs/kohaku')).toBe('');
      expect(readdirSync(repo.gitDir).filter((name) => name.startsWith('fast_import_crash'))).toEqual([]);
    });

    it('should build a 1,000-file commit in one fast-import run', async () => {
      const runSpy = jest.spyOn(gitProcess, 'run');
      const changes = Array.from({ length: 1000 }, (_, index) =>
        put(`bulk/dir-${index % 10}/file ${index}.txt`, `content of file ${index}\n`),
      );
      const started = performance.now();

      const { commitSha } = await repo.createCommit({
        parent: null,
        message: 'bulk',
        author: ALICE,
        committer: HUB,
        changes,
      });

      const elapsedMs = performance.now() - started;
      const subcommands = runSpy.mock.calls.map(([args]) => args[0]);
      runSpy.mockRestore();
      expect(subcommands.filter((name) => name === 'fast-import')).toHaveLength(1);
      expect(subcommands.length).toBeLessThanOrEqual(3);
      expect(gitCli(repo.gitDir, 'ls-tree', '-r', '--name-only', commitSha).split('\n')).toHaveLength(1000);
      expect(elapsedMs).toBeLessThan(10_000);
      process.stdout.write(`1,000-file commit built in ${elapsedMs.toFixed(0)} ms\n`);
    });
  });

  describe('reading trees and blobs', () => {
    let repo: GitRepository;
    let commit: string;
    const big = randomBytes(5 * 1024 * 1024);

    beforeAll(async () => {
      repo = await store.create(newStorageId());
      commit = await commitOn(repo, 'main', null, [
        put('big.bin', big),
        put('empty.txt', ''),
        put('a/b/deep.txt', 'deep'),
        put('a/top.txt', 'top'),
        put('ab.txt', 'prefix sibling'),
        put('with space/ünï.txt', 'ü'),
      ]);
    });

    it('should list a folder, recursively or not, with sizes for blobs only', async () => {
      const root = (await repo.lsTree(commit, ''))!;
      expect(root.map((entry) => [entry.path, entry.type, entry.size])).toEqual([
        ['a', 'tree', undefined],
        ['ab.txt', 'blob', 14],
        ['big.bin', 'blob', big.length],
        ['empty.txt', 'blob', 0],
        ['with space', 'tree', undefined],
      ]);
      const folder = (await repo.lsTree(commit, 'a'))!;
      expect(folder.map((entry) => entry.path)).toEqual(['a/b', 'a/top.txt']);
      const deep = (await repo.lsTree(commit, 'a', { recursive: true }))!;
      expect(deep.map((entry) => entry.path)).toEqual(['a/b', 'a/b/deep.txt', 'a/top.txt']);
      expect((await repo.lsTree(commit, 'with space'))!.map((entry) => entry.path)).toEqual(['with space/ünï.txt']);
      expect(await repo.lsTree(commit, 'missing')).toBeNull();
      expect(await repo.lsTree(commit, 'ab.txt')).toBeNull();
    });

    it('should stat files, folders and the root, and answer null for missing paths', async () => {
      expect(await repo.statPath(commit, 'a/b/deep.txt')).toMatchObject({
        path: 'a/b/deep.txt',
        type: 'blob',
        mode: '100644',
        size: 4,
      });
      expect(await repo.statPath(commit, 'a')).toMatchObject({ path: 'a', type: 'tree' });
      expect(await repo.statPath(commit, '')).toEqual({
        path: '',
        mode: '040000',
        type: 'tree',
        sha: gitCli(repo.gitDir, 'rev-parse', `${commit}^{tree}`),
      });
      expect(await repo.statPath(commit, 'a/missing')).toBeNull();
      expect(await repo.statPath(commit, 'ab.txt/below')).toBeNull();
      expect(await repo.statPath('0'.repeat(40), 'a')).toBeNull();
    });

    it('should stream a 5 MiB blob and an empty blob byte for byte', async () => {
      const bigEntry = (await repo.statPath(commit, 'big.bin'))!;
      const header = await repo.readBlobHeader(bigEntry.sha);
      expect(header).toEqual({ type: 'blob', size: big.length });
      const blob = (await repo.readBlob(bigEntry.sha))!;
      expect(blob.size).toBe(big.length);
      expect(sha256(await readAll(blob.body))).toBe(sha256(big));

      const emptyEntry = (await repo.statPath(commit, 'empty.txt'))!;
      const empty = (await repo.readBlob(emptyEntry.sha))!;
      expect(empty.size).toBe(0);
      expect((await readAll(empty.body)).length).toBe(0);

      expect(await repo.readBlob('1'.repeat(40))).toBeNull();
      expect(await repo.readBlobHeader('1'.repeat(40))).toBeNull();
    });

    it('should serve many concurrent blob reads through the pool', async () => {
      const entries = (await repo.lsTree(commit, '', { recursive: true }))!.filter((entry) => entry.type === 'blob');
      const expected = new Map(
        entries.map((entry) => [
          entry.sha,
          execFileSync('git', [`--git-dir=${repo.gitDir}`, 'cat-file', 'blob', entry.sha], {
            maxBuffer: 64 * 1024 * 1024,
          }),
        ]),
      );
      const reads = Array.from({ length: 40 }, (_, index) => entries[index % entries.length]).map(async (entry) => {
        const blob = (await repo.readBlob(entry.sha))!;
        return { sha: entry.sha, bytes: await readAll(blob.body) };
      });
      for (const { sha, bytes } of await Promise.all(reads)) {
        expect(bytes.equals(expected.get(sha)!)).toBe(true);
      }
      expect(pool.size).toBeLessThanOrEqual(config.git.catFilePoolSize);
    });

    it('should recover when a blob stream is destroyed early', async () => {
      const bigEntry = (await repo.statPath(commit, 'big.bin'))!;
      const smallEntry = (await repo.statPath(commit, 'a/top.txt'))!;
      const partial = (await repo.readBlob(bigEntry.sha))!;
      const firstChunk = await new Promise<Buffer>((resolve) => partial.body.once('data', resolve));
      expect(firstChunk.equals(big.subarray(0, firstChunk.length))).toBe(true);
      partial.body.destroy();

      const small = (await repo.readBlob(smallEntry.sha))!;
      expect((await readAll(small.body)).toString()).toBe('top');
      const again = (await repo.readBlob(bigEntry.sha))!;
      expect(sha256(await readAll(again.body))).toBe(sha256(big));
    });

    it('should see objects written after its pooled process started, loose or packed', async () => {
      await readAll((await repo.readBlob((await repo.statPath(commit, 'ab.txt'))!.sha))!.body);
      const loose = await repo.createCommit({
        parent: commit,
        message: 'few objects (loose)',
        author: ALICE,
        committer: HUB,
        changes: [put('later/loose.txt', 'written later')],
      });
      const packed = await repo.createCommit({
        parent: commit,
        message: 'many objects (packed)',
        author: ALICE,
        committer: HUB,
        changes: Array.from({ length: 150 }, (_, index) => put(`later/packed-${index}.txt`, `packed ${index}`)),
      });
      const looseEntry = (await repo.statPath(loose.commitSha, 'later/loose.txt'))!;
      const packedEntry = (await repo.statPath(packed.commitSha, 'later/packed-149.txt'))!;
      expect((await readAll((await repo.readBlob(looseEntry.sha))!.body)).toString()).toBe('written later');
      expect((await readAll((await repo.readBlob(packedEntry.sha))!.body)).toString()).toBe('packed 149');
    });

    it('should refuse to read a tree as a blob without disturbing the process', async () => {
      const tree = (await repo.statPath(commit, 'a'))!;
      await expect(repo.readBlob(tree.sha)).rejects.toThrow(/is a tree, not a blob/);
      const small = (await repo.readBlob((await repo.statPath(commit, 'ab.txt'))!.sha))!;
      expect((await readAll(small.body)).toString()).toBe('prefix sibling');
    });
  });

  describe('history', () => {
    let repo: GitRepository;
    const shas: string[] = [];

    beforeAll(async () => {
      repo = await store.create(newStorageId());
      const steps: CommitChange[][] = [
        [put('a.txt', '1'), put('dir/x.txt', '1'), put('dir/sub/y.txt', '1'), put('untouched.txt', 'u')],
        [put('a.txt', '2')],
        [put('dir/sub/y.txt', '2')],
        [put('b.txt', 'new')],
        [{ kind: 'delete', path: 'b.txt' }],
      ];
      let parent: string | null = null;
      for (const [index, changes] of steps.entries()) {
        const message = `step ${index}\n\nbody of step ${index}\nwith two lines\n`;
        parent = await commitOn(repo, 'main', parent, changes, message);
        shas.push(parent);
      }
    });

    it('should page through the log newest first and filter by path', async () => {
      const all = await repo.log('main');
      expect(all.map((commit) => commit.sha)).toEqual([...shas].reverse());
      expect(all[0]).toMatchObject({ subject: 'step 4', body: 'body of step 4\nwith two lines', parents: [shas[3]] });

      const page = await repo.log('main', { skip: 1, limit: 2 });
      expect(page.map((commit) => commit.sha)).toEqual([shas[3], shas[2]]);

      const touchingA = await repo.log('main', { paths: ['a.txt'] });
      expect(touchingA.map((commit) => commit.sha)).toEqual([shas[1], shas[0]]);
      await expect(repo.log('no-such-branch')).rejects.toBeInstanceOf(RevisionNotFoundError);
    });

    it('should count commits', async () => {
      expect(await repo.countCommits('main')).toBe(5);
      expect(await repo.countCommits(shas[1])).toBe(2);
      expect(await repo.countCommits('main', ['dir'])).toBe(2);
    });

    it('should find the last commit for each path in one walk', async () => {
      const runSpy = jest.spyOn(gitProcess, 'stream');
      const result = await repo.lastCommitForPaths('main', [
        'a.txt',
        'dir',
        'dir/x.txt',
        'dir/sub',
        'untouched.txt',
        'never-existed.txt',
      ]);
      expect(runSpy).toHaveBeenCalledTimes(1);
      runSpy.mockRestore();

      expect(result.get('a.txt')?.sha).toBe(shas[1]);
      expect(result.get('dir')?.sha).toBe(shas[2]);
      expect(result.get('dir/sub')?.sha).toBe(shas[2]);
      expect(result.get('dir/x.txt')?.sha).toBe(shas[0]);
      expect(result.get('untouched.txt')?.sha).toBe(shas[0]);
      expect(result.get('untouched.txt')?.subject).toBe('step 0');
      expect(result.has('never-existed.txt')).toBe(false);
      for (const path of ['a.txt', 'dir', 'untouched.txt']) {
        expect(result.get(path)?.sha).toBe(gitCli(repo.gitDir, 'log', '-1', '--format=%H', 'main', '--', path));
      }
    });

    it('should list branches and tags with annotated tags peeled', async () => {
      const env = ['-c', 'user.name=T', '-c', 'user.email=t@example.com', '-c', 'advice.nestedTag=false'];
      execFileSync('git', [`--git-dir=${repo.gitDir}`, ...env, 'tag', '-a', 'v1', '-m', 'v1', shas[1]]);
      execFileSync('git', [`--git-dir=${repo.gitDir}`, ...env, 'tag', '-a', 'v1-nested', '-m', 'nested', 'v1']);
      execFileSync('git', [`--git-dir=${repo.gitDir}`, 'tag', 'light', shas[0]]);
      const tree = gitCli(repo.gitDir, 'rev-parse', `${shas[0]}^{tree}`);
      execFileSync('git', [`--git-dir=${repo.gitDir}`, 'tag', 'tree-tag', tree]);

      const tags = await repo.listRefs(['refs/tags']);
      const byName = new Map(tags.map((ref) => [ref.name, ref]));
      expect(byName.get('refs/tags/v1')).toMatchObject({ type: 'tag', commitSha: shas[1] });
      expect(byName.get('refs/tags/v1')!.sha).not.toBe(shas[1]);
      expect(byName.get('refs/tags/v1-nested')).toMatchObject({ type: 'tag', commitSha: shas[1] });
      expect(byName.get('refs/tags/light')).toEqual({
        name: 'refs/tags/light',
        sha: shas[0],
        type: 'commit',
        commitSha: shas[0],
      });
      expect(byName.get('refs/tags/tree-tag')).toMatchObject({ type: 'tree', commitSha: null });
      expect((await repo.listRefs(['refs/heads/'])).map((ref) => ref.name)).toEqual(['refs/heads/main']);
      expect(await repo.resolveCommit('v1')).toBe(shas[1]);
      expect(await repo.resolveCommit('tree-tag')).toBeNull();
      expect(await repo.resolveCommit(shas[2].slice(0, 12))).toBe(shas[2]);
      expect(await repo.resolveCommit('nope')).toBeNull();
    });
  });

  describe('ref compare-and-swap', () => {
    let repo: GitRepository;
    let base: string;
    let candidates: string[];

    beforeAll(async () => {
      repo = await store.create(newStorageId());
      base = await commitOn(repo, 'main', null, [put('f.txt', 'base')]);
      candidates = [];
      for (let index = 0; index < 8; index++) {
        const { commitSha } = await repo.createCommit({
          parent: base,
          message: `candidate ${index}`,
          author: ALICE,
          committer: HUB,
          changes: [put('f.txt', `candidate ${index}`)],
        });
        candidates.push(commitSha);
      }
    });

    it('should let exactly one of two racing updates win', async () => {
      for (let round = 0; round < 4; round++) {
        const branch = `refs/heads/race-${round}`;
        await repo.updateRef(branch, base, null);
        const [left, right] = [candidates[round * 2], candidates[round * 2 + 1]];

        const results = await Promise.allSettled([
          repo.updateRef(branch, left, base),
          repo.updateRef(branch, right, base),
        ]);

        const winners = results.filter((result) => result.status === 'fulfilled');
        const losers = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
        expect(winners).toHaveLength(1);
        expect(losers).toHaveLength(1);
        expect(losers[0].reason).toBeInstanceOf(RefUpdateConflictError);
        expect((losers[0].reason as RefUpdateConflictError).status).toBe(409);
        const winner = results[0].status === 'fulfilled' ? left : right;
        expect(gitCli(repo.gitDir, 'rev-parse', branch)).toBe(winner);
      }
      expect(await repo.fsck()).toEqual({ ok: true, output: expect.any(String) });
    });

    it('should refuse to create an existing ref and to move a ref from a stale value', async () => {
      await expect(repo.updateRef('refs/heads/main', candidates[0], null)).rejects.toMatchObject({
        reason: 'stale',
        code: 'Conflict',
      });
      await expect(repo.updateRef('refs/heads/main', candidates[0], candidates[1])).rejects.toBeInstanceOf(
        RefUpdateConflictError,
      );
      await expect(repo.updateRef('refs/heads/main/nested', candidates[0], null)).rejects.toMatchObject({
        reason: 'name-conflict',
      });
      expect(gitCli(repo.gitDir, 'rev-parse', 'main')).toBe(base);
    });

    it('should delete a ref only from its expected value', async () => {
      await repo.updateRef('refs/heads/to-delete', candidates[2], null);
      await expect(repo.deleteRef('refs/heads/to-delete', candidates[3])).rejects.toBeInstanceOf(
        RefUpdateConflictError,
      );
      expect(gitCli(repo.gitDir, 'rev-parse', 'to-delete')).toBe(candidates[2]);
      await repo.deleteRef('refs/heads/to-delete', candidates[2]);
      expect(await repo.resolveCommit('refs/heads/to-delete')).toBeNull();
      await expect(repo.deleteRef('refs/heads/to-delete', candidates[2])).rejects.toBeInstanceOf(
        RefUpdateConflictError,
      );
    });

    it('should reject invalid ref names and option-like revisions before running git', async () => {
      const badRefs = [
        'main',
        'refs/heads/-x',
        'refs/heads/a..b',
        'refs/heads/a b',
        'refs/heads/x.lock',
        'refs/heads/a~1',
        'refs/heads/',
        'refs/heads/a\nb',
        '--upload-pack=touch /tmp/pwned',
        'refs/kohaku/tmp/x',
      ];
      for (const ref of badRefs) {
        await expect(repo.updateRef(ref, candidates[0], null)).rejects.toBeInstanceOf(InvalidRefNameError);
      }
      await expect(repo.deleteRef('refs/heads/-x', candidates[0])).rejects.toBeInstanceOf(InvalidRefNameError);
      for (const rev of ['-h', '--all', '--output=/tmp/x', 'main~1', 'main^', 'a:b', '', 'HEAD@{1}', 'x\ny']) {
        await expect(repo.resolveCommit(rev)).rejects.toBeInstanceOf(InvalidRevisionError);
        await expect(repo.log(rev)).rejects.toBeInstanceOf(InvalidRevisionError);
      }
      await expect(repo.lastCommitForPaths('--all', ['f.txt'])).rejects.toBeInstanceOf(InvalidRevisionError);
      await expect(repo.countCommits('-n1')).rejects.toBeInstanceOf(InvalidRevisionError);
    });
  });
});
