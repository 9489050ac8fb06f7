import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { RangeNotSatisfiableError } from 'src/common/errors/hub-error';
import { S3Config } from 'src/config/hub-config';
import { assertValidBlobKey, BlobStorage } from 'src/storage/blob-storage';
import { FsBlobStorage } from 'src/storage/fs-blob-storage';
import { createS3Client, S3BlobStorage } from 'src/storage/s3-blob-storage';
import {
  BlobNotFoundError,
  BlobSizeMismatchError,
  InvalidBlobKeyError,
  InvalidBlobRangeError,
  MultipartUploadNotFoundError,
} from 'src/storage/storage.errors';

const MIB = 1024 * 1024;

interface AdapterCase {
  name: string;
  /** Whether the store hands out URLs clients use directly (S3) or leaves serving to the app (fs). */
  isPresigning: boolean;
  /** s3rver 3.7.1 does not implement AbortMultipartUpload (it answers 405 MethodNotAllowed). */
  canAbortMultipart: boolean;
  /**
   * Whether an aborted single PUT leaves nothing behind. S3 rejects a request whose body ends
   * before its Content-Length; s3rver 3.7.1 stores whatever arrived before the connection closed.
   * s3-blob-storage.spec.ts checks that the adapter does abort such a request.
   */
  discardsAbortedPut: boolean;
  create(): Promise<{ storage: BlobStorage; publicEndpoint?: string; dispose(): Promise<void> }>;
}

const adapters: AdapterCase[] = [
  {
    name: 'FsBlobStorage',
    isPresigning: false,
    canAbortMultipart: true,
    discardsAbortedPut: true,
    async create() {
      const directory = await mkdtemp(join(tmpdir(), 'kh-contract-'));
      return {
        storage: new FsBlobStorage(join(directory, 'blobs')),
        dispose: () => rm(directory, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'S3BlobStorage',
    isPresigning: true,
    canAbortMultipart: false,
    discardsAbortedPut: false,
    create() {
      const endpoint = process.env.TEST_S3_ENDPOINT;
      const runId = process.env.TEST_RUN_ID;
      if (endpoint === undefined || runId === undefined) {
        throw new Error(
          'TEST_S3_ENDPOINT / TEST_RUN_ID are unset: run through jest.config.js (global setup starts s3rver)',
        );
      }
      const config: S3Config = {
        endpoint,
        // Another host name for the same server, so the tests can tell which client signed a URL.
        publicEndpoint: endpoint.replace('127.0.0.1', 'localhost'),
        accessKey: 'S3RVER',
        secretKey: 'S3RVER',
        bucket: `kh-contract-${runId}`.toLowerCase(),
        region: 'us-east-1',
        forcePathStyle: true,
      };
      const storage = new S3BlobStorage(
        createS3Client(config),
        createS3Client(config, config.publicEndpoint),
        config.bucket,
      );
      return Promise.resolve({
        storage,
        publicEndpoint: config.publicEndpoint,
        dispose: () => Promise.resolve(storage.onModuleDestroy()),
      });
    },
  },
];

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Streams `data` in uneven chunks, as a network body would arrive. */
function streamOf(data: Buffer, chunkSize = 64 * 1024 + 7): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < data.length; offset += chunkSize) {
        yield data.subarray(offset, offset + chunkSize);
      }
    })(),
    { objectMode: false },
  );
}

/** A body that delivers `goodBytes` and then fails, like a client that disconnects mid-upload. */
function failingStream(goodBytes: number): Readable {
  return Readable.from(
    (async function* () {
      yield randomBytes(goodBytes);
      await new Promise((wake) => setTimeout(wake, 20));
      throw new Error('source stream failed midway');
    })(),
    { objectMode: false },
  );
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) {
    items.push(item);
  }
  return items;
}

describe.each(adapters)('BlobStorage contract: $name', (adapter) => {
  let sut: BlobStorage;
  let publicEndpoint: string | undefined;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ storage: sut, publicEndpoint, dispose } = await adapter.create());
    await sut.ensureReady();
  });

  afterAll(async () => {
    await dispose();
  });

  it('should be ready, idempotently, and pass its health check', async () => {
    await expect(sut.ensureReady()).resolves.toBeUndefined();
    await expect(sut.healthCheck()).resolves.toBeUndefined();
  });

  describe('put and get', () => {
    const content = randomBytes(6 * MIB + 123);

    it('should round-trip several MiB of streamed content with a known size', async () => {
      await expect(sut.put('roundtrip/known', streamOf(content), { size: content.length })).resolves.toEqual({
        size: content.length,
      });

      const result = await sut.get('roundtrip/known');

      expect(result.size).toBe(content.length);
      expect(result.contentLength).toBe(content.length);
      expect(sha256(await readAll(result.body))).toBe(sha256(content));
    });

    it('should store a body of unknown size, including one larger than a streaming part', async () => {
      const large = randomBytes(20 * MIB + 5);

      await expect(sut.put('roundtrip/unknown', streamOf(large))).resolves.toEqual({ size: large.length });

      const result = await sut.get('roundtrip/unknown');
      expect(result.size).toBe(large.length);
      expect(sha256(await readAll(result.body))).toBe(sha256(large));
    });

    it('should store an empty object', async () => {
      await expect(sut.put('roundtrip/empty', streamOf(Buffer.alloc(0)), { size: 0 })).resolves.toEqual({ size: 0 });

      const result = await sut.get('roundtrip/empty');
      expect(result.size).toBe(0);
      expect(await readAll(result.body)).toHaveLength(0);
    });

    it('should replace an existing object', async () => {
      await sut.put('roundtrip/replaced', streamOf(Buffer.from('first version')));
      await sut.put('roundtrip/replaced', streamOf(Buffer.from('second')));

      expect((await readAll((await sut.get('roundtrip/replaced')).body)).toString()).toBe('second');
    });

    it('should fail with BlobNotFoundError for a missing key', async () => {
      await expect(sut.get('roundtrip/missing')).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    it('should store nothing when a source of unknown size errors midway', async () => {
      await expect(sut.put('failing/unknown', failingStream(3 * MIB))).rejects.toThrow('source stream failed midway');

      await expect(sut.head('failing/unknown')).resolves.toBeNull();
      await expect(sut.get('failing/unknown')).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    (adapter.discardsAbortedPut ? it : it.skip)(
      'should store nothing when a source of known size errors midway',
      async () => {
        await expect(sut.put('failing/known', failingStream(3 * MIB), { size: 8 * MIB })).rejects.toThrow(
          'source stream failed midway',
        );

        await expect(sut.head('failing/known')).resolves.toBeNull();
      },
    );

    it('should keep the previous object when a replacing upload fails', async () => {
      await sut.put('failing/kept', streamOf(Buffer.from('old content')));

      await expect(sut.put('failing/kept', failingStream(MIB))).rejects.toThrow('source stream failed midway');

      expect((await readAll((await sut.get('failing/kept')).body)).toString()).toBe('old content');
    });

    it.each([
      ['shorter', 10, 20],
      ['longer', 10, 5],
    ])('should reject a body %s than the announced size', async (_label, actual, announced) => {
      await expect(
        sut.put(`mismatch/${announced}`, streamOf(randomBytes(actual)), { size: announced }),
      ).rejects.toBeInstanceOf(BlobSizeMismatchError);
    });

    (adapter.discardsAbortedPut ? it : it.skip)('should store nothing for a body of the wrong size', async () => {
      await expect(sut.put('mismatch/short', streamOf(randomBytes(10)), { size: 20 })).rejects.toThrow();
      await expect(sut.put('mismatch/long', streamOf(randomBytes(10)), { size: 5 })).rejects.toThrow();

      await expect(sut.head('mismatch/short')).resolves.toBeNull();
      await expect(sut.head('mismatch/long')).resolves.toBeNull();
    });
  });

  describe('ranges', () => {
    const content = randomBytes(3 * MIB + 17);
    const key = 'ranges/object';

    beforeAll(async () => {
      await sut.put(key, streamOf(content), { size: content.length });
    });

    it.each([
      ['the first byte', 0, 0],
      ['a middle slice', 1000, 1_000_999],
      ['the tail', content.length - 100, content.length - 1],
      ['the whole object', 0, content.length - 1],
    ])('should read %s', async (_label, start, end) => {
      const result = await sut.get(key, { start, end });

      expect(result.size).toBe(content.length);
      expect(result.contentLength).toBe(end - start + 1);
      expect((await readAll(result.body)).equals(content.subarray(start, end + 1))).toBe(true);
    });

    it('should clamp an end past the last byte', async () => {
      const start = content.length - 10;

      const result = await sut.get(key, { start, end: content.length + 5000 });

      expect(result.contentLength).toBe(10);
      expect((await readAll(result.body)).equals(content.subarray(start))).toBe(true);
    });

    it('should refuse a range that starts at or beyond the end', async () => {
      const error = await sut.get(key, { start: content.length, end: content.length + 10 }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(RangeNotSatisfiableError);
      expect((error as RangeNotSatisfiableError).headers).toEqual({ 'Content-Range': `bytes */${content.length}` });
    });

    it('should refuse a malformed range', async () => {
      await expect(sut.get(key, { start: 10, end: 5 })).rejects.toBeInstanceOf(InvalidBlobRangeError);
      await expect(sut.get(key, { start: -1, end: 5 })).rejects.toBeInstanceOf(InvalidBlobRangeError);
    });

    it('should report a missing key before looking at the range', async () => {
      await expect(sut.get('ranges/missing', { start: 0, end: 0 })).rejects.toBeInstanceOf(BlobNotFoundError);
    });
  });

  describe('head, delete, move, list', () => {
    it('should describe a present object and answer null for a missing one', async () => {
      const before = Date.now();
      await sut.put('head/present', streamOf(Buffer.from('hello head')));

      const head = await sut.head('head/present');

      expect(head?.size).toBe(10);
      expect(head?.lastModified).toBeInstanceOf(Date);
      // Stores keep second precision, and clocks of a remote store may drift a little.
      expect(Math.abs((head?.lastModified.getTime() ?? 0) - before)).toBeLessThan(60_000);
      await expect(sut.head('head/missing')).resolves.toBeNull();
    });

    it('should delete idempotently', async () => {
      await sut.put('delete/me', streamOf(Buffer.from('bye')));

      await sut.delete('delete/me');

      await expect(sut.head('delete/me')).resolves.toBeNull();
      await expect(sut.delete('delete/me')).resolves.toBeUndefined();
      await expect(sut.delete('delete/never/existed')).resolves.toBeUndefined();
    });

    it('should move an object, replacing the target', async () => {
      const content = randomBytes(2 * MIB);
      await sut.put('staging/upload-1', streamOf(content));
      await sut.put('lfs/ab/cd/target', streamOf(Buffer.from('stale')));

      await sut.move('staging/upload-1', 'lfs/ab/cd/target');

      await expect(sut.head('staging/upload-1')).resolves.toBeNull();
      const moved = await sut.get('lfs/ab/cd/target');
      expect(moved.size).toBe(content.length);
      expect(sha256(await readAll(moved.body))).toBe(sha256(content));
    });

    it('should fail to move a missing object', async () => {
      await expect(sut.move('staging/missing', 'lfs/00/00/missing')).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(sut.head('lfs/00/00/missing')).resolves.toBeNull();
    });

    it('should list by prefix, as a plain string prefix', async () => {
      for (const [key, text] of [
        ['list/a/1', 'one'],
        ['list/a/2', 'two!'],
        ['list/a/deep/3', 'three'],
        ['list/ab', 'ab'],
        ['list/b/4', 'four'],
      ]) {
        await sut.put(key, streamOf(Buffer.from(text)));
      }

      const folder = await collect(sut.list('list/a/'));
      const partial = await collect(sut.list('list/a'));

      expect(folder.map((entry) => [entry.key, entry.size]).sort()).toEqual([
        ['list/a/1', 3],
        ['list/a/2', 4],
        ['list/a/deep/3', 5],
      ]);
      expect(folder.every((entry) => entry.lastModified instanceof Date)).toBe(true);
      expect(partial.map((entry) => entry.key).sort()).toEqual(['list/a/1', 'list/a/2', 'list/a/deep/3', 'list/ab']);
      await expect(collect(sut.list('list/none/'))).resolves.toEqual([]);
      await expect(collect(sut.list('nothing-here'))).resolves.toEqual([]);
    });

    it('should list only valid keys, never internal bookkeeping', async () => {
      const uploadId = await sut.createMultipartUpload('list-all/pending');
      await sut.uploadPart('list-all/pending', uploadId, 1, streamOf(Buffer.from('part')), 4);

      const everything = await collect(sut.list(''));

      expect(everything.length).toBeGreaterThan(0);
      for (const entry of everything) {
        expect(() => assertValidBlobKey(entry.key)).not.toThrow();
      }
      expect(everything.map((entry) => entry.key)).not.toContain('list-all/pending');
    });
  });

  describe('multipart', () => {
    const parts = [randomBytes(5 * MIB), randomBytes(5 * MIB), randomBytes(MIB + 3)];
    const whole = Buffer.concat(parts);

    it('should assemble three parts, uploaded out of order, into the object', async () => {
      const key = 'multipart/assembled';
      const uploadId = await sut.createMultipartUpload(key);
      const etags = new Map<number, string>();
      for (const partNumber of [3, 1, 2]) {
        const data = parts[partNumber - 1];
        const { etag } = await sut.uploadPart(key, uploadId, partNumber, streamOf(data), data.length);
        expect(etag).not.toBe('');
        etags.set(partNumber, etag);
      }

      const completed = await sut.completeMultipartUpload(
        key,
        uploadId,
        [2, 3, 1].map((partNumber) => ({ partNumber, etag: etags.get(partNumber) ?? '' })),
      );

      expect(completed).toEqual({ size: whole.length });
      const result = await sut.get(key);
      expect(result.size).toBe(whole.length);
      expect(sha256(await readAll(result.body))).toBe(sha256(whole));
    });

    it('should replace a part uploaded twice with the same number', async () => {
      const key = 'multipart/retried';
      const uploadId = await sut.createMultipartUpload(key);
      await sut.uploadPart(key, uploadId, 1, streamOf(Buffer.from('first try')), 9);
      const { etag } = await sut.uploadPart(key, uploadId, 1, streamOf(Buffer.from('second')), 6);

      await sut.completeMultipartUpload(key, uploadId, [{ partNumber: 1, etag }]);

      expect((await readAll((await sut.get(key)).body)).toString()).toBe('second');
    });

    (adapter.canAbortMultipart ? it : it.skip)('should abort an upload idempotently', async () => {
      const key = 'multipart/aborted';
      const uploadId = await sut.createMultipartUpload(key);
      const { etag } = await sut.uploadPart(key, uploadId, 1, streamOf(parts[2]), parts[2].length);

      await sut.abortMultipartUpload(key, uploadId);

      await expect(sut.completeMultipartUpload(key, uploadId, [{ partNumber: 1, etag }])).rejects.toBeInstanceOf(
        MultipartUploadNotFoundError,
      );
      await expect(sut.abortMultipartUpload(key, uploadId)).resolves.toBeUndefined();
      await expect(sut.head(key)).resolves.toBeNull();
    });
  });

  describe('key validation', () => {
    it.each([
      ['empty', ''],
      ['absolute', '/lfs/ab'],
      ['empty segment', 'lfs//ab'],
      ['trailing slash', 'lfs/ab/'],
      ['dot segment', 'lfs/./ab'],
      ['dot-dot segment', 'lfs/../../etc/passwd'],
      ['bare dot-dot', '..'],
      ['hidden segment', 'lfs/.hidden'],
      ['backslash', 'lfs\\ab'],
      ['NUL', 'lfs/a\u0000b'],
      ['newline', 'lfs/a\nb'],
      ['too long', `lfs/${'a'.repeat(1100)}`],
    ])('should reject a key with %s', async (_label, key) => {
      const body = streamOf(Buffer.from('x'));

      await expect(sut.put(key, body)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(sut.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(sut.head(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(sut.delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(sut.move('valid/key', key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(sut.move(key, 'valid/key')).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(sut.createMultipartUpload(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(sut.presignGet(key, { expiresInSeconds: 60 })).rejects.toBeInstanceOf(InvalidBlobKeyError);
      body.destroy();
    });
  });

  describe('presigned URLs', () => {
    if (!adapter.isPresigning) {
      it('should leave serving to the application (null URLs)', async () => {
        await sut.put('presign/object', streamOf(Buffer.from('data')));
        const uploadId = await sut.createMultipartUpload('presign/multipart');

        await expect(sut.presignGet('presign/object', { expiresInSeconds: 60 })).resolves.toBeNull();
        await expect(sut.presignPut('presign/new', { expiresInSeconds: 60 })).resolves.toBeNull();
        await expect(sut.presignUploadPart('presign/multipart', uploadId, 1, 60)).resolves.toBeNull();
      });
      return;
    }

    const content = randomBytes(MIB + 11);

    beforeAll(async () => {
      await sut.put('presign/object', streamOf(content), { size: content.length });
    });

    function expectPublicUrlSigningOnlyHost(url: string): void {
      const parsed = new URL(url);
      expect(parsed.origin).toBe(publicEndpoint);
      expect(parsed.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
      expect([...parsed.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
    }

    it('should hand out a GET URL that a plain fetch downloads, whole and by range', async () => {
      const url = await sut.presignGet('presign/object', { expiresInSeconds: 300 });

      expectPublicUrlSigningOnlyHost(url ?? '');
      const whole = await fetch(url ?? '');
      expect(whole.status).toBe(200);
      expect(Buffer.from(await whole.arrayBuffer()).equals(content)).toBe(true);
      const ranged = await fetch(url ?? '', { headers: { Range: 'bytes=100-199' } });
      expect(ranged.status).toBe(206);
      expect(Buffer.from(await ranged.arrayBuffer()).equals(content.subarray(100, 200))).toBe(true);
    });

    it('should serve the requested file name and content type', async () => {
      const url = await sut.presignGet('presign/object', {
        expiresInSeconds: 300,
        filename: 'modèle.safetensors',
        contentType: 'application/octet-stream',
      });

      const response = await fetch(url ?? '');
      await response.arrayBuffer();

      expect(response.headers.get('content-disposition')).toBe(
        `attachment; filename="mod_le.safetensors"; filename*=UTF-8''mod%C3%A8le.safetensors`,
      );
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
    });

    it('should hand out a PUT URL that accepts a bare fetch PUT', async () => {
      const uploaded = randomBytes(2 * MIB + 1);
      const url = await sut.presignPut('presign/uploaded', { expiresInSeconds: 300 });

      expectPublicUrlSigningOnlyHost(url ?? '');
      const response = await fetch(url ?? '', { method: 'PUT', body: uploaded });

      expect(response.ok).toBe(true);
      const stored = await sut.get('presign/uploaded');
      expect(stored.size).toBe(uploaded.length);
      expect(sha256(await readAll(stored.body))).toBe(sha256(uploaded));
    });

    it('should hand out part URLs whose ETag completes the upload', async () => {
      const key = 'presign/multipart';
      const parts = [randomBytes(5 * MIB), randomBytes(1000)];
      const uploadId = await sut.createMultipartUpload(key);
      const completed: { partNumber: number; etag: string }[] = [];
      for (const [index, data] of parts.entries()) {
        const url = await sut.presignUploadPart(key, uploadId, index + 1, 300);
        expectPublicUrlSigningOnlyHost(url ?? '');
        const response = await fetch(url ?? '', { method: 'PUT', body: data });
        expect(response.ok).toBe(true);
        completed.push({ partNumber: index + 1, etag: response.headers.get('etag') ?? '' });
      }

      await expect(sut.completeMultipartUpload(key, uploadId, completed)).resolves.toEqual({ size: 5 * MIB + 1000 });

      expect(sha256(await readAll((await sut.get(key)).body))).toBe(sha256(Buffer.concat(parts)));
    });
  });
});
