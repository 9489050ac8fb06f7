import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntryNotFoundError } from 'src/common/errors/hub-error';
import { loadHubConfig } from 'src/config/hub-config';
import { CatFilePool } from 'src/git/cat-file-pool';
import { GitProcess } from 'src/git/git-process';
import { GitObjectCache } from 'src/git/git-object-cache';
import { GitRepoStore } from 'src/git/git-repo-store';
import { GitRepository } from 'src/git/git-repository';
import {
  BuildInput,
  CommitBuilder,
  TreeOperation,
  toTreeOperations,
  VerifiedLfsObjects,
} from 'src/commit/commit-builder';
import { CommitOperation } from 'src/commit/commit-payload';
import { gitBlobId } from 'src/commit/lfs-pointer';
import { gitIn, listFiles, revParse, showFile } from 'test/utils/git';
import { lfsPointerText } from 'test/utils/lfs';

const identity = { name: 'alice', email: 'alice@users.noreply.kohakuhub', date: new Date('2024-05-01T10:00:00Z') };
const OID = 'c'.repeat(64);

function write(path: string, text: string): TreeOperation {
  const content = Buffer.from(text);
  return { kind: 'write', path, file: { sha: gitBlobId(content), mode: '100644', lfs: null }, content };
}

async function* stream<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) {
    yield await Promise.resolve(item);
  }
}

describe(CommitBuilder.name, () => {
  let dataDir: string;
  let pool: CatFilePool;
  let git: GitRepository;
  let sut: CommitBuilder;
  let base: string;

  function show(revision: string, path: string): string | null {
    return showFile(git, revision, path)?.toString() ?? null;
  }

  /** One build with the fixed identity, on the base commit unless another is given. */
  function build(
    operations: BuildInput['operations'],
    options: { baseSha?: string; message?: string } = {},
  ): ReturnType<CommitBuilder['build']> {
    return sut.build({ baseSha: options.baseSha ?? base, message: options.message ?? 'm', identity, operations });
  }

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kohaku-commit-builder-'));
    const config = loadHubConfig({ KOHAKU_HUB_DATA_DIR: dataDir });
    const gitProcess = new GitProcess(config);
    pool = new CatFilePool(config, gitProcess);
    const store = new GitRepoStore(config, gitProcess, pool, new GitObjectCache());
    await store.prepare();
    git = await store.create('abcd0001');
    sut = new CommitBuilder(git);
    ({ commitSha: base } = await git.createCommit({
      parent: null,
      message: 'base',
      author: identity,
      committer: identity,
      changes: [
        {
          kind: 'put',
          path: '.gitattributes',
          mode: '100644',
          content: Buffer.from('*.bin filter=lfs diff=lfs merge=lfs -text\n'),
        },
        { kind: 'put', path: 'a.txt', mode: '100644', content: Buffer.from('a1') },
        { kind: 'put', path: 'run.sh', mode: '100755', content: Buffer.from('#!/bin/sh\n') },
        { kind: 'put', path: 'dir/b.txt', mode: '100644', content: Buffer.from('b') },
      ],
    }));
  });

  afterEach(async () => {
    await pool.onModuleDestroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should apply writes, copies and deletions in order and report what a rebase needs', async () => {
    const built = await build(
      stream([
        write('x.txt', 'x'),
        { kind: 'copy', path: 'c.txt', srcPath: 'a.txt' },
        { kind: 'copy', path: 'tool.sh', srcPath: 'run.sh' },
        { kind: 'deleteFolder', path: 'dir' },
        { kind: 'copy', path: 'x2.txt', srcPath: 'x.txt' },
      ]),
      { message: 'change' },
    );
    expect(built.isNoop).toBe(false);
    expect(listFiles(git, built.commitSha)).toEqual([
      '.gitattributes',
      'a.txt',
      'c.txt',
      'run.sh',
      'tool.sh',
      'x.txt',
      'x2.txt',
    ]);
    expect(show(built.commitSha, 'x2.txt')).toBe('x');
    expect(gitIn(git, ['ls-tree', built.commitSha, 'tool.sh'])).toMatch(/^100755 /);
    expect(built.replay.every((operation) => !('content' in operation))).toBe(true);
    expect(built.replay.map((operation) => operation.kind)).toEqual(['write', 'copy', 'copy', 'deleteFolder', 'copy']);
  });

  it('should re-apply the same operations onto a newer head from blob ids, re-reading copies there', async () => {
    const first = await build(
      stream([
        write('x.txt', 'x'),
        { kind: 'copy', path: 'c.txt', srcPath: 'a.txt' },
        { kind: 'deleteFile', path: 'dir/b.txt' },
      ]),
      { message: 'mine' },
    );
    const { commitSha: theirs } = await git.createCommit({
      parent: base,
      message: 'theirs',
      author: identity,
      committer: identity,
      changes: [
        { kind: 'put', path: 'a.txt', mode: '100644', content: Buffer.from('a2') },
        { kind: 'put', path: 'y.txt', mode: '100644', content: Buffer.from('y') },
      ],
    });
    const rebased = await build(first.replay, { baseSha: theirs, message: 'mine' });
    expect(revParse(git, `${rebased.commitSha}^`)).toBe(theirs);
    expect(listFiles(git, rebased.commitSha)).toEqual(['.gitattributes', 'a.txt', 'c.txt', 'run.sh', 'x.txt', 'y.txt']);
    expect(show(rebased.commitSha, 'x.txt')).toBe('x');
    expect(show(rebased.commitSha, 'c.txt')).toBe('a2');
    expect((await git.fsck()).ok).toBe(true);
  });

  it('should fail with EntryNotFound when a deletion finds nothing, including on a rebase', async () => {
    await expect(build(stream([{ kind: 'deleteFile', path: 'dir' }]))).rejects.toBeInstanceOf(EntryNotFoundError);
    await expect(build(stream([{ kind: 'deleteFolder', path: 'a.txt' }]))).rejects.toBeInstanceOf(EntryNotFoundError);
    const first = await build(stream([{ kind: 'deleteFile', path: 'a.txt' }]));
    await expect(build(first.replay, { baseSha: first.commitSha })).rejects.toBeInstanceOf(EntryNotFoundError);
    expect(gitIn(git, ['for-each-ref', 'refs/kohaku'])).toBe('');
  });

  it('should call a commit that leaves the tree as it was a no-op', async () => {
    const built = await build(
      stream([write('a.txt', 'a1'), write('tmp.txt', 't'), { kind: 'deleteFile', path: 'tmp.txt' }]),
      { message: 'same' },
    );
    expect(built.isNoop).toBe(true);
  });

  it('should turn lfsFile lines into pointers and track them in .gitattributes unless already tracked', async () => {
    const lfs: VerifiedLfsObjects = { assertVerified: (_oid, size) => Promise.resolve({ size: size ?? 42 }) };
    const operations: CommitOperation[] = [
      { key: 'lfsFile', path: 'w.bin', oid: OID, size: 7 },
      { key: 'lfsFile', path: 'data/t.csv', oid: OID },
      { key: 'file', path: 'gone.csv', content: Buffer.from('g') },
      { key: 'lfsFile', path: 'gone.csv', oid: OID },
      { key: 'deletedFile', path: 'gone.csv' },
    ];
    const built = await build(toTreeOperations(stream(operations), { git, lfs }), { message: 'lfs' });
    expect(show(built.commitSha, 'data/t.csv')).toBe(lfsPointerText({ oid: OID, size: 42 }));
    expect(show(built.commitSha, '.gitattributes')).toBe(
      '*.bin filter=lfs diff=lfs merge=lfs -text\n/data/t.csv filter=lfs diff=lfs merge=lfs -text\n',
    );
    expect(built.lfsFiles).toEqual([
      { path: 'w.bin', pointer: { oid: OID, size: 7 } },
      { path: 'data/t.csv', pointer: { oid: OID, size: 42 } },
    ]);
    const replayed = await build(built.replay, { baseSha: built.commitSha, message: 'again' });
    expect(replayed.isNoop).toBe(true);
  });
});
