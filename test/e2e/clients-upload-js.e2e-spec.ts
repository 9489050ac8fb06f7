import { commit, createBranch, createRepo, deleteFile, uploadFiles } from '@huggingface/hub';
import { randomBytes } from 'node:crypto';
import { LfsUploadService } from 'src/lfs/lfs-upload.service';
import { lfsPointerOf, MIB, multipartEnv } from 'test/utils/lfs';
import { TestHub } from 'test/utils/test-hub';
import { createWriterHub, gitIn, listFiles, openGit, revParse, showFile, Writer } from 'test/e2e/commit-helpers';

/** The JS client (@huggingface/hub) against the upload path: NDJSON without a final newline, sha_256 batches. */
describe('uploads with @huggingface/hub', () => {
  let hub: TestHub;
  let alice: Writer;

  beforeAll(async () => {
    [hub, alice] = await createWriterHub(['alice'], { env: multipartEnv(6 * MIB) });
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await hub.close();
  });

  it('should create a repository and upload regular files and LFS files (basic and multipart) in one commit', async () => {
    const created = await createRepo({
      repo: { type: 'model', name: 'alice/js-upload' },
      accessToken: alice.token,
      hubUrl: hub.url,
    });
    expect(created).toEqual({ repoUrl: `${hub.url}/alice/js-upload`, id: expect.anything() });
    const weights = randomBytes(300 * 1024);
    const large = randomBytes(11 * MIB + 5);
    const completions = jest.spyOn(hub.app.get(LfsUploadService), 'completeMultipart');
    const result = await uploadFiles({
      repo: { type: 'model', name: 'alice/js-upload' },
      accessToken: alice.token,
      hubUrl: hub.url,
      commitTitle: 'From JS',
      files: [
        { path: 'config.json', content: new Blob(['{"a": 1}\n']) },
        { path: 'docs/readme.txt', content: new Blob(['docs']) },
        { path: 'model.safetensors', content: new Blob([weights]) },
        { path: 'shards/large.bin', content: new Blob([large]) },
      ],
    });
    const git = await openGit(hub, 'alice/js-upload');
    expect(result?.commit).toEqual({
      oid: revParse(git, 'main'),
      url: `${hub.url}/alice/js-upload/commit/${revParse(git, 'main')}`,
    });
    expect(gitIn(git, ['log', '-1', '--format=%s|%an', 'main']).trim()).toBe('From JS|alice');
    expect(listFiles(git, 'main')).toEqual([
      '.gitattributes',
      'config.json',
      'docs/readme.txt',
      'model.safetensors',
      'shards/large.bin',
    ]);
    expect(showFile(git, 'main', 'config.json')?.toString()).toBe('{"a": 1}\n');
    expect(showFile(git, 'main', 'model.safetensors')?.toString()).toBe(lfsPointerOf(weights));
    expect(showFile(git, 'main', 'shards/large.bin')?.toString()).toBe(lfsPointerOf(large));
    expect(completions.mock.calls.some((call) => call[2].length === 3)).toBe(true);
  });

  it('should delete a file, create branches and commit onto a branch and into a pull request', async () => {
    const repo = { type: 'model' as const, name: 'alice/js-refs' };
    const credentials = { accessToken: alice.token, hubUrl: hub.url };
    await createRepo({ repo, ...credentials });
    await uploadFiles({
      repo,
      ...credentials,
      files: [
        { path: 'a.txt', content: new Blob(['a']) },
        { path: 'b.txt', content: new Blob(['b']) },
      ],
    });
    await deleteFile({ repo, path: 'a.txt', ...credentials });
    const git = await openGit(hub, 'alice/js-refs');
    expect(listFiles(git, 'main')).toEqual(['.gitattributes', 'b.txt']);

    await createBranch({ repo, branch: 'feature/js', ...credentials });
    expect(revParse(git, 'refs/heads/feature/js')).toBe(revParse(git, 'main'));
    await expect(createBranch({ repo, branch: 'feature/js', ...credentials })).rejects.toMatchObject({
      statusCode: 409,
    });
    await createBranch({ repo, branch: 'empty', empty: true, ...credentials });
    expect(listFiles(git, 'refs/heads/empty')).toEqual([]);

    await uploadFiles({
      repo,
      ...credentials,
      branch: 'feature/js',
      files: [{ path: 'c.txt', content: new Blob(['c']) }],
    });
    expect(listFiles(git, 'refs/heads/feature/js')).toEqual(['.gitattributes', 'b.txt', 'c.txt']);
    expect(listFiles(git, 'main')).toEqual(['.gitattributes', 'b.txt']);

    const pr = await commit({
      repo,
      ...credentials,
      title: 'Proposal',
      isPullRequest: true,
      operations: [{ operation: 'addOrUpdate', path: 'p.txt', content: new Blob(['p']) }],
    });
    expect(pr?.pullRequestUrl).toBe(`${hub.url}/alice/js-refs/discussions/1`);
    expect(pr?.commit.oid).toBe(revParse(git, 'refs/pr/1'));

    const stale = commit({
      repo,
      ...credentials,
      title: 'Stale',
      parentCommit: gitIn(git, ['rev-parse', 'main~1']).trim(),
      operations: [{ operation: 'addOrUpdate', path: 's.txt', content: new Blob(['s']) }],
    });
    await expect(stale).rejects.toMatchObject({ statusCode: 412 });
    await expect(deleteFile({ repo, path: 'nope.txt', ...credentials })).rejects.toMatchObject({ statusCode: 404 });
  });
});
