import { uploadFiles } from '@huggingface/hub';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { GitRepoStore } from 'src/git/git-repo-store';
import { LfsService } from 'src/lfs/lfs.service';
import { multipartEnv } from 'test/utils/lfs';
import { LfsUploadService } from 'src/lfs/lfs-upload.service';
import { RepoService } from 'src/repo/repo.service';
import { ACCOUNT_TEST_ENV, apiToken, bearer, newAccount } from 'test/utils/accounts';
import { runPython } from 'test/utils/python';
import { createTestHub, TestHub } from 'test/utils/test-hub';

const MIB = 1024 * 1024;

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The official clients' LFS paths end to end: preupload says "lfs", the batch API answers basic or
 * multipart, the client PUTs without credentials, and the commit references verified objects.
 */
describe.each(['fs', 's3'] as const)('LFS uploads by the official clients (%s storage)', (storage) => {
  let hub: TestHub;
  let token: string;
  let workDir: string;

  async function createRepo(name: string): Promise<void> {
    await request(hub.url).post('/api/repos/create').set(bearer(token)).send({ name }).expect(200);
  }

  /** The file as committed on `main`, read with the git binary from the bare repository. */
  async function gitShow(repo: string, path: string): Promise<string> {
    const record = await hub.app.get(RepoService).findRepo('model', 'alice', repo);
    const gitDir = hub.app.get(GitRepoStore).pathFor(record.storageId);
    return execFileSync('git', ['--git-dir', gitDir, 'show', `main:${path}`], { encoding: 'utf8' });
  }

  async function expectStored(content: Buffer): Promise<void> {
    const lfs = hub.app.get(LfsService);
    const oid = sha256(content);
    await expect(lfs.findVerified(oid)).resolves.toEqual({ oid, size: content.length });
    const { body } = await lfs.openObject(oid);
    const hash = createHash('sha256');
    for await (const chunk of body) {
      hash.update(chunk as Buffer);
    }
    expect(hash.digest('hex')).toBe(oid);
  }

  function pointer(content: Buffer): string {
    return `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(content)}\nsize ${content.length}\n`;
  }

  beforeAll(async () => {
    hub = await createTestHub({ storage, env: { ...ACCOUNT_TEST_ENV, ...multipartEnv(8 * MIB) } });
    token = await apiToken(hub, await newAccount(hub, 'alice'), 'write');
    workDir = mkdtempSync(join(tmpdir(), 'kohaku-lfs-clients-'));
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    await hub?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('should take LFS files from Python huggingface_hub, with basic and multipart uploads and verify', async () => {
    await createRepo('py');
    const small = randomBytes(300 * 1024);
    const large = randomBytes(11 * MIB + 123);
    writeFileSync(join(workDir, 'small.bin'), small);
    writeFileSync(join(workDir, 'large.bin'), large);
    const script = `
import os
from huggingface_hub import HfApi
api = HfApi()
first = api.upload_file(path_or_fileobj=os.path.join(os.environ["WORK"], "small.bin"), path_in_repo="small.bin", repo_id="alice/py")
second = api.upload_file(path_or_fileobj=os.path.join(os.environ["WORK"], "large.bin"), path_in_repo="weights/large.bin", repo_id="alice/py")
again = api.upload_file(path_or_fileobj=os.path.join(os.environ["WORK"], "large.bin"), path_in_repo="copy/large.bin", repo_id="alice/py")
print(first.oid, second.oid, again.oid)
`;
    const uploads = hub.app.get(LfsUploadService);
    const completions = jest.spyOn(uploads, 'completeMultipart');
    const verifications = jest.spyOn(uploads, 'verify');

    const result = await runPython(
      script,
      {
        HF_ENDPOINT: hub.url,
        HF_TOKEN: token,
        HF_HOME: join(workDir, 'hf-home'),
        HF_HUB_DISABLE_XET: '1',
        HF_HUB_DISABLE_TELEMETRY: '1',
        WORK: workDir,
      },
      120_000,
    );

    expect(result.stderr).not.toMatch(/Traceback/);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split(' ')).toHaveLength(3);
    await expectStored(small);
    await expectStored(large);
    await expect(gitShow('py', 'small.bin')).resolves.toBe(pointer(small));
    await expect(gitShow('py', 'weights/large.bin')).resolves.toBe(pointer(large));
    await expect(gitShow('py', 'copy/large.bin')).resolves.toBe(pointer(large));
    // The large file went up in three parts; the third upload was deduplicated (no actions, no verify).
    expect(completions).toHaveBeenCalledTimes(1);
    expect(completions.mock.calls[0][2]).toHaveLength(3);
    expect(verifications.mock.calls.map((call) => call[0])).toEqual([sha256(small), sha256(large)]);
  });

  it('should take LFS files from @huggingface/hub uploadFiles, with basic and multipart uploads', async () => {
    await createRepo('js');
    const small = randomBytes(200 * 1024);
    const large = randomBytes(12 * MIB + 7);
    const completions = jest.spyOn(hub.app.get(LfsUploadService), 'completeMultipart');

    await uploadFiles({
      repo: { type: 'model', name: 'alice/js' },
      accessToken: token,
      hubUrl: hub.url,
      files: [
        { path: 'model.safetensors', content: new Blob([small]) },
        { path: 'big/model.bin', content: new Blob([large]) },
      ],
    });

    await expectStored(small);
    await expectStored(large);
    await expect(gitShow('js', 'model.safetensors')).resolves.toBe(pointer(small));
    await expect(gitShow('js', 'big/model.bin')).resolves.toBe(pointer(large));
    // One batch with a large object: both objects went up as multipart (the small one in one part).
    expect(completions.mock.calls.map((call) => call[2].length).sort()).toEqual([1, 3]);
  });
});
