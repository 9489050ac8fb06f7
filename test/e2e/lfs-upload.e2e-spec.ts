import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import request from 'supertest';
import { LfsService } from 'src/lfs/lfs.service';
import { LfsUploadSweeper } from 'src/lfs/lfs-upload-sweeper';
import { BlobStorage } from 'src/storage/blob-storage';
import { UrlSigner } from 'src/storage/url-signer';
import { apiToken, bearer } from 'test/utils/accounts';
import { lfsObjectOf, MIB, multipartEnv, storedSha256 } from 'test/utils/lfs';
import { TestHub } from 'test/utils/test-hub';
import { commitLines, createRepo, createWriterHub, header, lfsFileLine, Writer } from 'test/e2e/commit-helpers';

const LFS_TYPE = 'application/vnd.git-lfs+json';

function keyOf(oid: string): string {
  return `lfs/${oid.slice(0, 2)}/${oid.slice(2, 4)}/${oid}`;
}

async function listKeys(storage: BlobStorage, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of storage.list(prefix)) {
    keys.push(entry.key);
  }
  return keys;
}

interface Action {
  href: string;
  header?: Record<string, string>;
  expires_in?: number;
}

interface BatchObject {
  oid: string;
  size: number;
  authenticated?: boolean;
  actions?: { upload?: Action; verify?: Action; download?: Action };
  error?: { code: number; message: string };
}

describe.each(['fs', 's3'] as const)('LFS batch API and uploads (%s storage)', (storage) => {
  let hub: TestHub;
  let lfs: LfsService;
  let blobs: BlobStorage;
  let writeToken: string;
  let readToken: string;
  let otherToken: string;

  function batch(path: string, body: Record<string, unknown>, token?: string) {
    const call = request(hub.url).post(path).set('Accept', LFS_TYPE).set('Content-Type', LFS_TYPE);
    return (token === undefined ? call : call.set(bearer(token))).send(JSON.stringify(body));
  }

  async function uploadBatch(
    objects: { oid: string; size: number }[],
    options: { token?: string; repo?: string; transfers?: string[] } = {},
  ): Promise<{ transfer: string; objects: BatchObject[] }> {
    const response = await batch(
      `/${options.repo ?? 'alice/model'}.git/info/lfs/objects/batch`,
      { operation: 'upload', transfers: options.transfers ?? ['basic'], hash_algo: 'sha256', objects },
      options.token ?? writeToken,
    ).expect(200);
    expect(response.headers['content-type']).toContain(LFS_TYPE);
    return response.body as { transfer: string; objects: BatchObject[] };
  }

  /** PUT the way the clients do: no credentials, no content type. */
  function put(href: string, body: Buffer): Promise<Response> {
    return fetch(href, { method: 'PUT', body });
  }

  /** The 5 MiB parts of `content` PUT one after the other to the part URLs of a multipart upload action. */
  async function putParts(
    upload: Action,
    content: Buffer,
    partNumbers: number[],
  ): Promise<{ responses: Response[]; parts: { partNumber: number; etag: string }[] }> {
    const responses: Response[] = [];
    for (const partNumber of partNumbers) {
      const slice = content.subarray((partNumber - 1) * 5 * MIB, partNumber * 5 * MIB);
      responses.push(await put(upload.header?.[String(partNumber)] ?? '', slice));
    }
    const parts = responses.map((response, index) => ({
      partNumber: partNumbers[index],
      etag: response.headers.get('etag') ?? '',
    }));
    return { responses, parts };
  }

  /** The completion call that ends a multipart upload, as the clients make it. */
  function completeMultipart(upload: Action, oid: string, parts: { partNumber: number; etag: string }[]) {
    return fetch(upload.href, {
      method: 'POST',
      headers: { Accept: LFS_TYPE, 'Content-Type': LFS_TYPE },
      body: JSON.stringify({ oid, parts }),
    });
  }

  /** The verify call as git-lfs makes it: to the signed href, without credentials. */
  function verify(action: Action, body: { oid: string; size: number }) {
    const href = new URL(action.href);
    return request(hub.url)
      .post(`${href.pathname}${href.search}`)
      .set('Content-Type', LFS_TYPE)
      .send(JSON.stringify(body));
  }

  beforeAll(async () => {
    let alice: Writer;
    let bob: Writer;
    [hub, alice, bob] = await createWriterHub(['alice', 'bob'], { storage, env: multipartEnv(8 * MIB) });
    lfs = hub.app.get(LfsService);
    blobs = hub.app.get(BlobStorage);
    writeToken = alice.token;
    readToken = await apiToken(hub, alice.account, 'read');
    otherToken = bob.token;
    await createRepo(hub, writeToken, 'model');
    await createRepo(hub, writeToken, 'secret', { isPrivate: true });
    await createRepo(hub, writeToken, 'data', { type: 'dataset' });
    await createRepo(hub, otherToken, 'copy');
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('should upload with a basic PUT, verify, register the object and leave nothing in staging', async () => {
    const content = randomBytes(64 * 1024);
    const wanted = lfsObjectOf(content);

    const answer = await uploadBatch([wanted]);

    expect(answer.transfer).toBe('basic');
    const [entry] = answer.objects;
    expect(entry).toMatchObject({ ...wanted, authenticated: true });
    const upload = entry.actions?.upload as Action;
    const verifyAction = entry.actions?.verify as Action;
    expect(upload.header).toBeUndefined();
    expect(upload.expires_in).toBeGreaterThan(0);
    expect(verifyAction.href.startsWith(`${hub.url}/api/lfs/uploads/`)).toBe(true);
    expect(new URL(verifyAction.href).searchParams.get('oid')).toBe(wanted.oid);
    if (storage === 'fs') {
      expect(upload.href.startsWith(`${hub.url}/api/lfs/uploads/`)).toBe(true);
    } else {
      expect(upload.href.startsWith(process.env.TEST_S3_ENDPOINT ?? '-')).toBe(true);
    }

    const putResponse = await put(upload.href, content);
    expect(putResponse.status).toBe(200);
    await verify(verifyAction, wanted).expect(200);

    await expect(lfs.findVerified(wanted.oid)).resolves.toEqual(wanted);
    const stored = await blobs.head(keyOf(wanted.oid));
    expect(stored?.size).toBe(wanted.size);
    expect(await listKeys(blobs, 'staging/')).toEqual([]);
  });

  it('should answer no actions for an object already verified, from any repository (deduplication)', async () => {
    const content = randomBytes(4096);
    const wanted = lfsObjectOf(content);
    const first = await uploadBatch([wanted]);
    expect((await put(first.objects[0].actions?.upload?.href ?? '', content)).status).toBe(200);
    await verify(first.objects[0].actions?.verify as Action, wanted).expect(200);

    const again = await uploadBatch([wanted], { token: otherToken, repo: 'bob/copy' });

    expect(again.objects).toEqual([wanted]);
  });

  it('should refuse content whose sha256 differs from the oid, discard it and register nothing', async () => {
    const content = randomBytes(32 * 1024);
    const wanted = lfsObjectOf(content);
    const [entry] = (await uploadBatch([wanted])).objects;
    const forged = randomBytes(content.length);

    const putResponse = await put(entry.actions?.upload?.href ?? '', forged);
    if (storage === 'fs') {
      expect(putResponse.status).toBe(422);
      expect(putResponse.headers.get('x-error-message')).toContain(`does not match LFS object ${wanted.oid}`);
    } else {
      // S3 stores what it is given; the hub finds out when it verifies.
      expect(putResponse.status).toBe(200);
    }
    const verified = await verify(entry.actions?.verify as Action, wanted);

    expect(verified.status).toBe(storage === 'fs' ? 404 : 422);
    expect(verified.headers['content-type']).toContain(LFS_TYPE);
    expect(verified.body.message).toContain(wanted.oid);
    await expect(lfs.findVerified(wanted.oid)).resolves.toBeNull();
    await expect(lfs.assertVerified(wanted.oid)).rejects.toMatchObject({ status: 422 });
    expect(await blobs.head(keyOf(wanted.oid))).toBeNull();
    expect(await listKeys(blobs, 'staging/')).toEqual([]);
    const retry = await uploadBatch([wanted]);
    expect(retry.objects[0].actions?.upload).toBeDefined();
  });

  it('should bind the signed verify action to its object', async () => {
    const content = randomBytes(1000);
    const wanted = lfsObjectOf(content);
    const other = lfsObjectOf(randomBytes(1000));
    const [entry] = (await uploadBatch([wanted])).objects;
    const action = entry.actions?.verify as Action;

    const forOther = await verify(action, other).expect(422);
    expect(forOther.headers['x-error-message']).toContain(`issued for LFS object ${wanted.oid}`);
    const tampered = new URL(action.href);
    tampered.searchParams.set('size', '999');
    await verify({ href: tampered.toString() }, { oid: wanted.oid, size: 999 }).expect(403);

    expect((await put(entry.actions?.upload?.href ?? '', content)).status).toBe(200);
    await verify(action, wanted).expect(200);
    await expect(lfs.findVerified(wanted.oid)).resolves.toEqual({ oid: wanted.oid, size: 1000 });
  });

  it('should refuse a body of the wrong size', async () => {
    const content = randomBytes(10_000);
    const wanted = lfsObjectOf(content);
    const [longer] = (await uploadBatch([wanted])).objects;
    const tooLong = Buffer.concat([content, Buffer.from('extra')]);

    const longResponse = await put(longer.actions?.upload?.href ?? '', tooLong);

    if (storage === 'fs') {
      expect(longResponse.status).toBe(422);
      expect(longResponse.headers.get('x-error-message')).toContain('announces 10005 bytes');
      // Without a Content-Length the hub counts while streaming and stops at the first byte too many.
      const chunked = await fetch(longer.actions?.upload?.href ?? '', {
        method: 'PUT',
        body: Readable.toWeb(Readable.from([tooLong.subarray(0, 6000), tooLong.subarray(6000)])) as ReadableStream,
        duplex: 'half',
      });
      expect(chunked.status).toBe(422);
      expect(chunked.headers.get('x-error-message')).toContain('it was discarded');
      expect((await put(longer.actions?.upload?.href ?? '', content)).status).toBe(404);
    }
    const verified = await verify(longer.actions?.verify as Action, wanted);
    expect(verified.status).toBe(storage === 'fs' ? 404 : 422);
    await expect(lfs.findVerified(wanted.oid)).resolves.toBeNull();

    const [shorter] = (await uploadBatch([wanted])).objects;
    const shortResponse = await put(shorter.actions?.upload?.href ?? '', content.subarray(0, 9_000));
    if (storage === 'fs') {
      expect(shortResponse.status).toBe(422);
    }
    expect((await verify(shorter.actions?.verify as Action, wanted)).status).toBe(storage === 'fs' ? 404 : 422);
    await expect(lfs.findVerified(wanted.oid)).resolves.toBeNull();
    expect(await listKeys(blobs, 'staging/')).toEqual([]);
  });

  it('should upload in three parts with HF multipart, each part answering an ETag', async () => {
    const content = randomBytes(11 * MIB);
    const wanted = lfsObjectOf(content);

    const answer = await uploadBatch([wanted], { transfers: ['basic', 'multipart'] });

    expect(answer.transfer).toBe('multipart');
    const upload = answer.objects[0].actions?.upload as Action;
    const header = upload.header ?? {};
    expect(header.chunk_size).toBe(String(5 * MIB));
    expect(Object.keys(header).sort()).toEqual(['1', '2', '3', 'chunk_size']);
    expect(upload.href.startsWith(`${hub.url}/api/lfs/uploads/`)).toBe(true);
    const { responses, parts } = await putParts(upload, content, [1, 2, 3]);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    for (const { etag } of parts) {
      expect(etag).toMatch(/^"[^"]+"$/);
    }
    await expect(lfs.findVerified(wanted.oid)).resolves.toBeNull();

    const completion = await completeMultipart(upload, wanted.oid, parts);

    expect(completion.status).toBe(200);
    await expect(lfs.findVerified(wanted.oid)).resolves.toEqual(wanted);
    const retried = await completeMultipart(upload, wanted.oid, parts);
    expect(retried.status).toBe(200);
    await expect(storedSha256(lfs, wanted.oid)).resolves.toBe(wanted.oid);
    expect(await listKeys(blobs, 'staging/')).toEqual([]);
  });

  it('should refuse a multipart upload whose joined parts do not hash to the oid', async () => {
    const content = randomBytes(9 * MIB);
    const wanted = lfsObjectOf(content);
    const upload = (await uploadBatch([wanted], { transfers: ['basic', 'multipart'] })).objects[0].actions
      ?.upload as Action;
    const forged = Buffer.from(content);
    forged[forged.length - 1] ^= 0xff;
    const { parts } = await putParts(upload, forged, [1, 2]);

    const completion = await completeMultipart(upload, wanted.oid, parts);

    expect(completion.status).toBe(422);
    await expect(lfs.findVerified(wanted.oid)).resolves.toBeNull();
    expect(await listKeys(blobs, 'staging/')).toEqual([]);
  });

  it('should let a read-only token neither upload nor verify', async () => {
    const wanted = lfsObjectOf(randomBytes(100));
    const response = await batch(
      '/alice/model.git/info/lfs/objects/batch',
      { operation: 'upload', objects: [wanted] },
      readToken,
    ).expect(403);
    expect(response.headers['content-type']).toContain(LFS_TYPE);
    expect(response.body).toEqual({ message: expect.stringContaining('read-only'), request_id: expect.any(String) });

    await request(hub.url)
      .post('/alice/model.git/info/lfs/verify')
      .set(bearer(readToken))
      .set('Content-Type', LFS_TYPE)
      .send(JSON.stringify(wanted))
      .expect(403);
  });

  it('should hide private repositories: 401 with an LFS challenge to anonymous callers, 404 to others', async () => {
    const wanted = lfsObjectOf(randomBytes(100));
    for (const repo of ['alice/secret', 'alice/missing']) {
      const anonymous = await batch(`/${repo}.git/info/lfs/objects/batch`, {
        operation: 'download',
        objects: [wanted],
      }).expect(401);
      expect(anonymous.headers['lfs-authenticate']).toBe('Basic realm="Kohaku Hub"');
      expect(anonymous.headers['www-authenticate']).toBe('Basic realm="Kohaku Hub"');
      expect(anonymous.headers['content-type']).toContain(LFS_TYPE);
      expect(anonymous.body.message).toEqual(expect.any(String));

      const stranger = await batch(
        `/${repo}.git/info/lfs/objects/batch`,
        { operation: 'upload', objects: [wanted] },
        otherToken,
      ).expect(404);
      expect(stranger.headers['content-type']).toContain(LFS_TYPE);
      expect(stranger.body.message).toBe(`Repository not found: ${repo}`);
    }
    const anonymousUpload = await batch('/alice/model.git/info/lfs/objects/batch', {
      operation: 'upload',
      objects: [wanted],
    }).expect(401);
    expect(anonymousUpload.headers['lfs-authenticate']).toBe('Basic realm="Kohaku Hub"');
    const badCredentials = await batch(
      '/alice/model.git/info/lfs/objects/batch',
      { operation: 'upload', objects: [wanted] },
      'hf_notavalidtokennotavalidtokennotavalid',
    ).expect(401);
    expect(badCredentials.headers['lfs-authenticate']).toBe('Basic realm="Kohaku Hub"');
    expect(badCredentials.headers['content-type']).toContain(LFS_TYPE);
  });

  it('should let git-lfs authenticate with HTTP Basic and a token as password', async () => {
    const wanted = lfsObjectOf(randomBytes(100));
    const response = await request(hub.url)
      .post('/alice/secret.git/info/lfs/objects/batch')
      .auth('alice', writeToken)
      .set('Content-Type', LFS_TYPE)
      .send(JSON.stringify({ operation: 'upload', objects: [wanted] }))
      .expect(200);
    expect(response.body.objects[0].actions.upload.href).toEqual(expect.any(String));
  });

  it('should offer downloads only of objects a commit of the repository references', async () => {
    const content = randomBytes(1000);
    const wanted = lfsObjectOf(content);
    const [entry] = (await uploadBatch([wanted])).objects;
    await put(entry.actions?.upload?.href ?? '', content);
    await verify(entry.actions?.verify as Action, wanted).expect(200);
    const download = (repo: string) =>
      batch(`/${repo}.git/info/lfs/objects/batch`, { operation: 'download', objects: [wanted] }).expect(200);

    expect((await download('alice/model')).body.objects[0]).toMatchObject({ error: { code: 404 } });
    await commitLines(hub, writeToken, 'alice/model', [header('add weights'), lfsFileLine('held.bin', wanted)]).expect(
      200,
    );

    expect((await download('alice/model')).body.objects[0].actions.download.href).toEqual(expect.any(String));
    expect((await download('bob/copy')).body.objects[0]).toEqual({
      oid: wanted.oid,
      size: wanted.size,
      error: { code: 404, message: 'Object does not exist' },
    });
  });

  it('should hand out download URLs that serve the bytes whole, by range and to HEAD', async () => {
    const content = randomBytes(300_000);
    const wanted = lfsObjectOf(content);
    const [entry] = (await uploadBatch([wanted])).objects;
    await put(entry.actions?.upload?.href ?? '', content);
    await verify(entry.actions?.verify as Action, wanted).expect(200);
    await commitLines(hub, writeToken, 'alice/model', [header('add ranges'), lfsFileLine('ranges.bin', wanted)]).expect(
      200,
    );

    const response = await batch('/alice/model.git/info/lfs/objects/batch', {
      operation: 'download',
      objects: [wanted],
    }).expect(200);

    expect(response.body.transfer).toBe('basic');
    const href = response.body.objects[0].actions.download.href as string;
    const whole = await fetch(href);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(content)).toBe(true);
    const ranged = await fetch(href, { headers: { Range: 'bytes=1000-1999' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 1000-1999/${content.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(content.subarray(1000, 2000))).toBe(true);
    if (storage === 'fs') {
      expect(whole.headers.get('etag')).toBe(`"${wanted.oid}"`);
      expect(whole.headers.get('accept-ranges')).toBe('bytes');
      expect(whole.headers.get('content-length')).toBe(String(content.length));
      const head = await fetch(href, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(content.length));
      const suffix = await fetch(href, { headers: { Range: 'bytes=-10' } });
      expect(Buffer.from(await suffix.arrayBuffer()).equals(content.subarray(content.length - 10))).toBe(true);
      const beyond = await fetch(href, { headers: { Range: `bytes=${content.length}-` } });
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get('content-range')).toBe(`bytes */${content.length}`);
    }
    const named = await lfs.presignDownload(wanted.oid, { baseUrl: hub.url, filename: 'weights.bin' });
    const attachment = await fetch(named);
    expect(attachment.headers.get('content-disposition')).toContain('weights.bin');
  });

  it('should answer per-object errors inside a 200', async () => {
    const unknown = lfsObjectOf(randomBytes(10));
    const response = await batch(
      '/alice/model.git/info/lfs/objects/batch',
      { operation: 'download', objects: [unknown, { oid: 'not-a-sha', size: 1 }, { oid: unknown.oid, size: -1 }] },
      writeToken,
    ).expect(200);

    expect(response.body.objects).toEqual([
      { ...unknown, error: { code: 404, message: 'Object does not exist' } },
      { oid: 'not-a-sha', size: 1, error: { code: 422, message: expect.stringContaining('sha256') } },
      { oid: unknown.oid, size: -1, error: { code: 422, message: expect.stringContaining('size') } },
    ]);
  });

  it('should accept sha_256 and refuse other hash algorithms, and batches that are too large', async () => {
    const wanted = lfsObjectOf(randomBytes(10));
    const path = '/alice/model.git/info/lfs/objects/batch';
    await batch(path, { operation: 'upload', hash_algo: 'sha_256', objects: [wanted] }, writeToken).expect(200);

    const refused = await batch(path, { operation: 'upload', hash_algo: 'sha_1', objects: [wanted] }, writeToken);

    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toContain(LFS_TYPE);
    expect(refused.body.message).toContain('sha_1');
    const many = Array.from({ length: 1001 }, () => wanted);
    await batch(path, { operation: 'upload', objects: many }, writeToken).expect(413);
    const xetOnly = await batch(path, { operation: 'upload', transfers: ['xet'], objects: [wanted] }, writeToken);
    expect(xetOnly.status).toBe(422);
  });

  it('should serve the dataset and /api forms of the endpoint', async () => {
    const wanted = lfsObjectOf(randomBytes(10));
    const forms = [
      '/datasets/alice/data.git/info/lfs/objects/batch',
      '/api/datasets/alice/data.git/info/lfs/objects/batch',
      '/api/alice/model.git/info/lfs/objects/batch',
      '/api/models/alice/model.git/info/lfs/objects/batch',
    ];
    for (const path of forms) {
      const response = await batch(path, { operation: 'upload', objects: [wanted] }, writeToken);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.body.objects[0].actions.verify.href.startsWith(`${hub.url}/api/lfs/uploads/`)).toBe(true);
    }
    await batch(
      '/alice/data.git/info/lfs/objects/batch',
      { operation: 'upload', objects: [wanted] },
      writeToken,
    ).expect(404);
  });

  it('should verify on demand an upload nobody verified, when a consumer asks the registry', async () => {
    const content = randomBytes(20_000);
    const wanted = lfsObjectOf(content);
    const [entry] = (await uploadBatch([wanted])).objects;
    await put(entry.actions?.upload?.href ?? '', content);

    await expect(lfs.assertVerified(wanted.oid, wanted.size)).resolves.toEqual(wanted);
    await expect(lfs.assertVerified(wanted.oid, wanted.size + 1)).rejects.toMatchObject({ status: 422 });
    await expect(lfs.assertVerified(lfsObjectOf(randomBytes(5)).oid)).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('has not been uploaded'),
    });
  });

  it('should sweep expired uploads and their staged bytes', async () => {
    const content = randomBytes(9 * MIB);
    const wanted = lfsObjectOf(content);
    const upload = (await uploadBatch([wanted], { transfers: ['multipart'] })).objects[0].actions?.upload as Action;
    await put(upload.header?.['1'] ?? '', content.subarray(0, 5 * MIB));
    const [basic] = (await uploadBatch([lfsObjectOf(Buffer.from('abandoned'))])).objects;
    if (storage === 's3') {
      await put(basic.actions?.upload?.href ?? '', Buffer.from('abandoned'));
      expect(await listKeys(blobs, 'staging/')).toHaveLength(1);
    }

    const removed = await hub.app.get(LfsUploadSweeper).sweep(new Date(Date.now() + 2 * 3600 * 1000), 0);

    expect(removed).toBeGreaterThanOrEqual(2);
    expect(await listKeys(blobs, 'staging/')).toEqual([]);
    if (storage === 'fs') {
      // s3rver cannot abort multipart uploads, so only the app-served part URL can be checked.
      const late = await put(upload.header?.['2'] ?? '', content.subarray(5 * MIB));
      expect(late.status).toBe(404);
    }
  });

  if (storage === 'fs') {
    it('should refuse tampered and expired signatures with 403', async () => {
      const content = randomBytes(1000);
      const wanted = lfsObjectOf(content);
      const href = (await uploadBatch([wanted])).objects[0].actions?.upload?.href ?? '';
      const tampered = new URL(href);
      tampered.searchParams.set('size', '999');

      const forged = await put(tampered.toString(), content.subarray(0, 999));
      expect(forged.status).toBe(403);
      const unsigned = new URL(href);
      unsigned.searchParams.delete('sig');
      expect((await put(unsigned.toString(), content)).status).toBe(403);
      const otherMethod = await fetch(href, { method: 'POST', body: content });
      expect(otherMethod.status).toBe(404);

      const path = new URL(href).pathname;
      const query = hub.app.get(UrlSigner).sign('PUT', path, {
        expiresInSeconds: 1,
        params: { oid: wanted.oid, size: String(wanted.size) },
      });
      await new Promise((wake) => setTimeout(wake, 2100));
      const expired = await put(`${hub.url}${path}?${query.toString()}`, content);
      expect(expired.status).toBe(403);
      expect(expired.headers.get('x-error-message')).toContain('expired');

      expect((await put(href, content)).status).toBe(200);
      await expect(lfs.findVerified(wanted.oid)).resolves.toEqual(wanted);
    });

    it('should refuse an upload body that a JSON parser already consumed', async () => {
      const content = Buffer.from('{"not": "bytes"}');
      const wanted = lfsObjectOf(content);
      const href = (await uploadBatch([wanted])).objects[0].actions?.upload?.href ?? '';

      const response = await fetch(href, {
        method: 'PUT',
        body: content,
        headers: { 'Content-Type': 'application/json' },
      });

      expect(response.status).toBe(415);
      expect((await put(href, content)).status).toBe(200);
    });
  }
});
