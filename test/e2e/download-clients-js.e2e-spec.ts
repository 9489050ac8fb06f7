import { downloadFile, fileExists, HubApiError } from '@huggingface/hub';
import { createHash } from 'node:crypto';
import { DownloadMode } from 'src/config/hub-config';
import { ACCOUNT_TEST_ENV } from 'test/utils/accounts';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import { newWriter, Writer } from 'test/e2e/commit-helpers';
import { DownloadFixture, seedDownloadRepo, SPACED_PATH, UNICODE_PATH } from 'test/e2e/download-fixtures';

const SETUPS: [storage: 'fs' | 's3', mode: DownloadMode][] = [
  ['fs', 'redirect'],
  ['fs', 'proxy'],
  ['s3', 'redirect'],
  ['s3', 'proxy'],
];

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

async function bytesOf(blob: Blob | null): Promise<Buffer> {
  if (blob === null) {
    throw new Error('downloadFile found no file');
  }
  return Buffer.from(await blob.arrayBuffer());
}

/** The JS client (@huggingface/hub): `fileExists` (HEAD /raw/) and `downloadFile` (a bytes=0-0 probe, then GETs). */
describe.each(SETUPS)('@huggingface/hub downloads from %s storage in %s mode', (storage, mode) => {
  let hub: TestHub;
  let alice: Writer;
  let publicFixture: DownloadFixture;
  let privateFixture: DownloadFixture;

  beforeAll(async () => {
    hub = await createTestHub({ storage, env: { ...ACCOUNT_TEST_ENV, KOHAKU_HUB_DOWNLOAD_MODE: mode } });
    alice = await newWriter(hub, 'alice');
    publicFixture = await seedDownloadRepo(hub, alice.token, 'alice/js-public');
    privateFixture = await seedDownloadRepo(hub, alice.token, 'alice/js-private', { isPrivate: true });
  });

  afterAll(async () => {
    await hub.close();
  });

  it('should tell existing files from missing ones, private repositories included', async () => {
    const check = (name: string, path: string, extra: { revision?: string; accessToken?: string } = {}) =>
      fileExists({ repo: { type: 'model', name }, path, hubUrl: hub.url, ...extra });
    expect(
      await Promise.all([
        check('alice/js-public', 'config.json'),
        check('alice/js-public', 'model.safetensors'),
        check('alice/js-public', SPACED_PATH),
        check('alice/js-public', 'config.json', { revision: publicFixture.commitSha }),
        check('alice/js-public', 'missing.txt'),
        check('alice/js-public', 'config.json', { revision: 'no-such-branch' }),
        check('alice/js-nothing', 'config.json', { accessToken: alice.token }),
        check('alice/js-private', 'config.json', { accessToken: alice.token }),
      ]),
    ).toEqual([true, true, true, true, false, false, false, true]);
  });

  it('should make anonymous fileExists and downloadFile throw a 401 for private and missing repositories alike', async () => {
    // The Hub answers anonymous callers 401 RepoNotFound, so both throw HubApiError 401, as against huggingface.co.
    for (const name of ['alice/js-private', 'alice/js-nothing']) {
      const exists = fileExists({ repo: { type: 'model', name }, path: 'config.json', hubUrl: hub.url });
      await expect(exists).rejects.toBeInstanceOf(HubApiError);
      await expect(exists).rejects.toMatchObject({ statusCode: 401 });
      const download = downloadFile({ repo: name, path: 'config.json', hubUrl: hub.url });
      await expect(download).rejects.toBeInstanceOf(HubApiError);
      await expect(download).rejects.toMatchObject({
        statusCode: 401,
        data: { error: `Repository not found: ${name}` },
      });
    }
  });

  it('should not reach files whose name holds "#": the JS client sends paths raw and fetch cuts them there', async () => {
    expect(await fileExists({ repo: 'alice/js-public', path: UNICODE_PATH, hubUrl: hub.url })).toBe(false);
  });

  it('should download regular, empty and LFS files, their pointers with raw, and slices by range', async () => {
    const download = (path: string, extra: { raw?: boolean; revision?: string } = {}) =>
      downloadFile({ repo: 'alice/js-private', path, hubUrl: hub.url, accessToken: alice.token, ...extra });
    expect((await bytesOf(await download('config.json'))).toString()).toBe(privateFixture.small.toString());
    expect((await bytesOf(await download(SPACED_PATH))).toString()).toBe('unicode file\n');
    const empty = await download('empty.txt');
    expect(empty?.size).toBe(0);
    expect((await bytesOf(empty)).length).toBe(0);
    const large = await download('large.txt');
    expect(large?.size).toBe(privateFixture.large.length);
    const lfs = await download('model.safetensors');
    const lfsBytes = await bytesOf(lfs);
    expect(lfs?.size).toBe(privateFixture.lfs.length);
    expect(lfsBytes.equals(privateFixture.lfs)).toBe(true);
    const pointer = (await bytesOf(await download('model.safetensors', { raw: true }))).toString();
    expect(pointer).toMatch(/^version https:\/\/git-lfs\.github\.com\/spec\/v1\noid sha256:[0-9a-f]{64}\nsize \d+\n$/);
    const oid = /sha256:([0-9a-f]{64})/.exec(pointer)?.[1];
    expect(sha256(lfsBytes)).toBe(oid);
    const slice = Buffer.from(await (lfs as Blob).slice(100, 164).arrayBuffer());
    expect(slice.equals(lfsBytes.subarray(100, 164))).toBe(true);
    const largeSlice = Buffer.from(await (large as Blob).slice(70_000, 70_100).arrayBuffer());
    expect(largeSlice.toString()).toBe(privateFixture.large.subarray(70_000, 70_100).toString());
    expect(await download('missing.txt')).toBeNull();
  });
});
