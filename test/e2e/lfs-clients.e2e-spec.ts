import { uploadFiles } from '@huggingface/hub';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LfsService } from 'src/lfs/lfs.service';
import { LfsUploadService } from 'src/lfs/lfs-upload.service';
import { lfsObjectOf, lfsPointerOf, MIB, multipartEnv, sha256Hex, storedSha256 } from 'test/utils/lfs';
import { hfClientEnv, runPython } from 'test/utils/python';
import { TestHub } from 'test/utils/test-hub';
import { createRepo, createWriterHub, openGit, showFile, Writer } from 'test/e2e/commit-helpers';

/**
 * The official clients' LFS paths end to end: preupload says "lfs", the batch API answers basic or
 * multipart, the client PUTs without credentials, and the commit references verified objects.
 */
describe.each(['fs', 's3'] as const)('LFS uploads by the official clients (%s storage)', (storage) => {
  let hub: TestHub;
  let alice: Writer;
  let workDir: string;

  /** The file as committed on `main`, read with the git binary from the bare repository. */
  async function committedText(repo: string, path: string): Promise<string | undefined> {
    return showFile(await openGit(hub, `alice/${repo}`), 'main', path)?.toString();
  }

  async function expectStored(content: Buffer): Promise<void> {
    const lfs = hub.app.get(LfsService);
    const object = lfsObjectOf(content);
    await expect(lfs.findVerified(object.oid)).resolves.toEqual(object);
    await expect(storedSha256(lfs, object.oid)).resolves.toBe(object.oid);
  }

  beforeAll(async () => {
    [hub, alice] = await createWriterHub(['alice'], { storage, env: multipartEnv(8 * MIB) });
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
    await createRepo(hub, alice.token, 'py');
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

    const result = await runPython(script, hfClientEnv(hub.url, alice.token, workDir), 120_000);

    expect(result.stderr).not.toMatch(/Traceback/);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split(' ')).toHaveLength(3);
    await expectStored(small);
    await expectStored(large);
    await expect(committedText('py', 'small.bin')).resolves.toBe(lfsPointerOf(small));
    await expect(committedText('py', 'weights/large.bin')).resolves.toBe(lfsPointerOf(large));
    await expect(committedText('py', 'copy/large.bin')).resolves.toBe(lfsPointerOf(large));
    // The large file went up in three parts; the third upload was deduplicated (no actions, no verify).
    expect(completions).toHaveBeenCalledTimes(1);
    expect(completions.mock.calls[0][2]).toHaveLength(3);
    expect(verifications.mock.calls.map((call) => call[0])).toEqual([sha256Hex(small), sha256Hex(large)]);
  });

  it('should take LFS files from @huggingface/hub uploadFiles, with basic and multipart uploads', async () => {
    await createRepo(hub, alice.token, 'js');
    const small = randomBytes(200 * 1024);
    const large = randomBytes(12 * MIB + 7);
    const completions = jest.spyOn(hub.app.get(LfsUploadService), 'completeMultipart');

    await uploadFiles({
      repo: { type: 'model', name: 'alice/js' },
      accessToken: alice.token,
      hubUrl: hub.url,
      files: [
        { path: 'model.safetensors', content: new Blob([small]) },
        { path: 'big/model.bin', content: new Blob([large]) },
      ],
    });

    await expectStored(small);
    await expectStored(large);
    await expect(committedText('js', 'model.safetensors')).resolves.toBe(lfsPointerOf(small));
    await expect(committedText('js', 'big/model.bin')).resolves.toBe(lfsPointerOf(large));
    // One batch with a large object: both objects went up as multipart (the small one in one part).
    expect(completions.mock.calls.map((call) => call[2].length).sort()).toEqual([1, 3]);
  });
});
