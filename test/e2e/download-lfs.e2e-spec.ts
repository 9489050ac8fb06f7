import { createHash } from 'node:crypto';
import { DownloadMode } from 'src/config/hub-config';
import { ACCOUNT_TEST_ENV, bearer } from 'test/utils/accounts';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import { newWriter, Writer } from 'test/e2e/commit-helpers';
import { DownloadFixture, resolvePath, seedDownloadRepo } from 'test/e2e/download-fixtures';

const SETUPS: [storage: 'fs' | 's3', mode: DownloadMode][] = [
  ['fs', 'redirect'],
  ['fs', 'proxy'],
  ['s3', 'redirect'],
  ['s3', 'proxy'],
];

async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

/** Large buffers compare by digest: jest's element-wise equality is slow enough for sockets to time out. */
function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** LFS files through resolve in both download modes, on both storage drivers. */
describe.each(SETUPS)('LFS downloads from %s storage in %s mode', (storage, mode) => {
  let hub: TestHub;
  let alice: Writer;
  let fixture: DownloadFixture;
  let path: string;

  beforeAll(async () => {
    hub = await createTestHub({ storage, env: { ...ACCOUNT_TEST_ENV, KOHAKU_HUB_DOWNLOAD_MODE: mode } });
    alice = await newWriter(hub, 'alice');
    fixture = await seedDownloadRepo(hub, alice.token, 'alice/weights', { isPrivate: true, lfsBytes: 700 * 1024 });
    path = resolvePath('alice/weights', 'main', 'model.safetensors');
  });

  afterAll(async () => {
    await hub.close();
  });

  function call(method: 'GET' | 'HEAD', headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${hub.url}${path}`, { method, headers: { ...bearer(alice.token), ...headers }, redirect: 'manual' });
  }

  function expectMetadata(response: Response): void {
    expect(response.headers.get('x-repo-commit')).toBe(fixture.commitSha);
    expect(response.headers.get('etag')).toBe(`"${fixture.lfsOid}"`);
    expect(response.headers.get('x-linked-etag')).toBe(`"${fixture.lfsOid}"`);
    expect(response.headers.get('x-linked-size')).toBe(String(fixture.lfs.length));
  }

  it('should answer HEAD itself, never with a redirect, with the metadata and the real Content-Length', async () => {
    const response = await call('HEAD', { 'Accept-Encoding': 'identity' });
    expect(response.status).toBe(200);
    expectMetadata(response);
    expect(response.headers.get('content-length')).toBe(String(fixture.lfs.length));
    expect(response.headers.get('location')).toBeNull();
  });

  it('should serve the object byte for byte to a client that follows redirects, whole and by range', async () => {
    const whole = await fetch(`${hub.url}${path}`, { headers: bearer(alice.token) });
    expect(whole.status).toBe(200);
    expect(digest(await bytesOf(whole))).toBe(digest(fixture.lfs));
    const slice = await fetch(`${hub.url}${path}`, { headers: { ...bearer(alice.token), Range: 'bytes=1000-250999' } });
    expect(slice.status).toBe(206);
    expect(slice.headers.get('content-range')).toBe(`bytes 1000-250999/${fixture.lfs.length}`);
    expect(digest(await bytesOf(slice))).toBe(digest(fixture.lfs.subarray(1000, 251000)));
    const tail = await fetch(`${hub.url}${path}`, { headers: { ...bearer(alice.token), Range: 'bytes=700000-' } });
    expect(tail.status).toBe(206);
    expect(digest(await bytesOf(tail))).toBe(digest(fixture.lfs.subarray(700000)));
  });

  if (mode === 'redirect') {
    it('should redirect GET to a short-lived URL, the 3xx carrying the metadata and Cache-Control: no-store', async () => {
      const response = await call('GET');
      expect(response.status).toBe(302);
      expectMetadata(response);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const location = new URL(response.headers.get('location') ?? '');
      if (storage === 'fs') {
        expect(location.origin).toBe(hub.url);
        expect(location.pathname).toBe(`/api/lfs/objects/${fixture.lfsOid}/content`);
      } else {
        expect(location.origin).toBe(new URL(process.env.TEST_S3_ENDPOINT ?? '').origin);
        expect(location.searchParams.get('X-Amz-Expires')).toBe(String(hub.config.storage.signedUrlTtlSeconds));
      }
    });

    it('should let the redirect target serve ranges without credentials', async () => {
      const location = (await call('GET')).headers.get('location') ?? '';
      const slice = await fetch(location, { headers: { Range: 'bytes=10-19' } });
      expect(slice.status).toBe(206);
      expect(slice.headers.get('content-range')).toBe(`bytes 10-19/${fixture.lfs.length}`);
      expect(digest(await bytesOf(slice))).toBe(digest(fixture.lfs.subarray(10, 20)));
      const whole = await fetch(location);
      expect(whole.headers.get('content-length')).toBe(String(fixture.lfs.length));
      expect(whole.headers.get('etag')).toBeTruthy();
      expect(digest(await bytesOf(whole))).toBe(digest(fixture.lfs));
    });

    if (storage === 'fs') {
      it('should answer the signed URL with the object ETag, Accept-Ranges, a 416 past the end and HEAD', async () => {
        const location = (await call('GET')).headers.get('location') ?? '';
        const headAnswer = await fetch(location, { method: 'HEAD' });
        expect(headAnswer.status).toBe(200);
        expect(headAnswer.headers.get('etag')).toBe(`"${fixture.lfsOid}"`);
        expect(headAnswer.headers.get('accept-ranges')).toBe('bytes');
        expect(headAnswer.headers.get('content-length')).toBe(String(fixture.lfs.length));
        expect(headAnswer.headers.get('content-disposition')).toContain('filename="model.safetensors"');
        const past = await fetch(location, { headers: { Range: `bytes=${fixture.lfs.length}-` } });
        expect([past.status, past.headers.get('content-range')]).toEqual([416, `bytes */${fixture.lfs.length}`]);
        const tampered = await fetch(location.replace(fixture.lfsOid, fixture.blobIds['large.txt'].padEnd(64, '0')));
        expect(tampered.status).toBe(403);
      });
    }
  } else {
    it('should stream GET through the app with the metadata, 206 for a range and 416 past the end', async () => {
      const whole = await call('GET', { 'Accept-Encoding': 'gzip' });
      expect(whole.status).toBe(200);
      expectMetadata(whole);
      expect(whole.headers.get('content-length')).toBe(String(fixture.lfs.length));
      expect(whole.headers.get('content-encoding')).toBeNull();
      expect(digest(await bytesOf(whole))).toBe(digest(fixture.lfs));
      const probe = await call('GET', { Range: 'bytes=0-0' });
      expect([probe.status, probe.headers.get('content-range')]).toEqual([206, `bytes 0-0/${fixture.lfs.length}`]);
      expect(digest(await bytesOf(probe))).toBe(digest(fixture.lfs.subarray(0, 1)));
      const past = await call('GET', { Range: `bytes=${fixture.lfs.length}-` });
      expect([past.status, past.headers.get('content-range'), past.headers.get('x-repo-commit')]).toEqual([
        416,
        `bytes */${fixture.lfs.length}`,
        fixture.commitSha,
      ]);
    });
  }

  it('should keep LFS content of a private repository from anonymous callers in both methods', async () => {
    const missingPath = resolvePath('alice/missing', 'main', 'model.safetensors');
    for (const method of ['GET', 'HEAD']) {
      // Anonymous callers get 401 RepoNotFound, exactly as for a repository that does not exist.
      const response = await fetch(`${hub.url}${path}`, { method, redirect: 'manual' });
      const missing = await fetch(`${hub.url}${missingPath}`, { method, redirect: 'manual' });
      expect([method, response.status, response.headers.get('x-error-code')]).toEqual([method, 401, 'RepoNotFound']);
      expect([missing.status, missing.headers.get('x-error-code')]).toEqual([401, 'RepoNotFound']);
      expect(response.headers.get('x-error-message')).toBe(
        missing.headers.get('x-error-message')?.replace('missing', 'weights'),
      );
      for (const name of ['location', 'x-repo-commit', 'x-linked-etag', 'x-linked-size']) {
        expect([name, response.headers.get(name)]).toEqual([name, null]);
      }
    }
  });

  it('should serve the pointer, not the object, on /raw/', async () => {
    const raw = await fetch(`${hub.url}/alice/weights/raw/main/model.safetensors`, { headers: bearer(alice.token) });
    expect(raw.status).toBe(200);
    expect((await bytesOf(raw)).toString()).toBe(
      `version https://git-lfs.github.com/spec/v1\noid sha256:${fixture.lfsOid}\nsize ${fixture.lfs.length}\n`,
    );
    expect(raw.headers.get('etag')).toBe(`"${fixture.blobIds['model.safetensors']}"`);
    expect(raw.headers.get('x-linked-size')).toBeNull();
  });
});
