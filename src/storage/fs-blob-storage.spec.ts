import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { FsBlobStorage } from 'src/storage/fs-blob-storage';
import {
  BlobNotFoundError,
  InvalidBlobKeyError,
  InvalidMultipartPartError,
  MultipartUploadNotFoundError,
} from 'src/storage/storage.errors';

function streamOf(text: string): Readable {
  return Readable.from([Buffer.from(text)], { objectMode: false });
}

async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString();
}

async function collectKeys(iterable: AsyncIterable<{ key: string }>): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of iterable) {
    keys.push(entry.key);
  }
  return keys.sort();
}

describe(FsBlobStorage.name, () => {
  let workDir: string;
  let root: string;
  let outside: string;
  let sut: FsBlobStorage;

  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'kh-fs-storage-'));
    root = join(workDir, 'root');
    outside = join(workDir, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'top secret');
    sut = new FsBlobStorage(root);
    await sut.ensureReady();
  });

  afterEach(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  describe('containment', () => {
    it.each(['../outside/secret.txt', 'lfs/../../outside/secret.txt', '..', 'a/..'])(
      'should refuse the climbing key %s without touching the disk',
      async (key) => {
        await expect(sut.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(sut.head(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(sut.put(key, streamOf('pwned'))).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(sut.delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);

        expect((await readdir(workDir)).sort()).toEqual(['outside', 'root']);
        expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
      },
    );

    describe('with a symlinked folder pointing outside the root', () => {
      beforeEach(async () => {
        await symlink(outside, join(root, 'escape'));
      });

      it('should refuse to read through it', async () => {
        await expect(sut.get('escape/secret.txt')).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(sut.head('escape/secret.txt')).rejects.toBeInstanceOf(InvalidBlobKeyError);
      });

      it('should refuse to write through it, even into new subfolders', async () => {
        await expect(sut.put('escape/new.txt', streamOf('pwned'))).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(sut.put('escape/deep/er/new.txt', streamOf('pwned'))).rejects.toBeInstanceOf(InvalidBlobKeyError);
        const uploadId = await sut.createMultipartUpload('escape/new.txt');
        const { etag } = await sut.uploadPart('escape/new.txt', uploadId, 1, streamOf('pwned'));
        await expect(
          sut.completeMultipartUpload('escape/new.txt', uploadId, [{ partNumber: 1, etag }]),
        ).rejects.toBeInstanceOf(InvalidBlobKeyError);

        expect(await readdir(outside)).toEqual(['secret.txt']);
      });

      it('should refuse to delete or move through it', async () => {
        await expect(sut.delete('escape/secret.txt')).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(sut.move('escape/secret.txt', 'stolen')).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await sut.put('inside', streamOf('mine'));
        await expect(sut.move('inside', 'escape/planted')).rejects.toBeInstanceOf(InvalidBlobKeyError);

        expect(await readdir(outside)).toEqual(['secret.txt']);
        await expect(sut.head('inside')).resolves.not.toBeNull();
      });

      it('should neither list through it nor accept it as a list prefix', async () => {
        await sut.put('kept/file', streamOf('data'));

        await expect(collectKeys(sut.list(''))).resolves.toEqual(['kept/file']);
        await expect(collectKeys(sut.list('escape/'))).rejects.toBeInstanceOf(InvalidBlobKeyError);
      });
    });

    it('should refuse a key that is itself a symlink to a file outside', async () => {
      await symlink(join(outside, 'secret.txt'), join(root, 'link'));

      await expect(sut.get('link')).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(sut.head('link')).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(sut.move('link', 'stolen')).rejects.toBeInstanceOf(InvalidBlobKeyError);
    });

    it('should follow a symlink that stays inside the root', async () => {
      await sut.put('real/file', streamOf('inside'));
      await symlink(join(root, 'real'), join(root, 'alias'));

      expect(await readAll((await sut.get('alias/file')).body)).toBe('inside');
    });

    it('should work when the root itself is reached through a symlink', async () => {
      await symlink(root, join(workDir, 'root-link'));
      const viaLink = new FsBlobStorage(join(workDir, 'root-link'));
      await sut.put('shared/file', streamOf('same store'));

      expect(await readAll((await viaLink.get('shared/file')).body)).toBe('same store');
    });
  });

  describe('files', () => {
    it('should read with a 1 MiB buffer so downloads stay fast', async () => {
      await sut.put('big', streamOf('x'));

      const { body } = await sut.get('big');

      expect(body.readableHighWaterMark).toBe(1024 * 1024);
      body.destroy();
    });

    it('should leave no temp file behind when the source fails', async () => {
      const failing = Readable.from(
        (async function* () {
          yield Buffer.alloc(1024);
          await Promise.resolve();
          throw new Error('client went away');
        })(),
        { objectMode: false },
      );

      await expect(sut.put('failed', failing)).rejects.toThrow('client went away');

      expect(await readdir(join(root, '.kohaku', 'tmp'))).toEqual([]);
      await expect(sut.head('failed')).resolves.toBeNull();
    });

    it('should sweep temp files left by a crashed process when it starts', async () => {
      const tempDir = join(root, '.kohaku', 'tmp');
      await writeFile(join(tempDir, 'stale'), 'left over');
      await writeFile(join(tempDir, 'live'), 'being written');
      const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
      await utimes(join(tempDir, 'stale'), twoDaysAgo, twoDaysAgo);

      await new FsBlobStorage(root).ensureReady();

      expect(await readdir(tempDir)).toEqual(['live']);
    });

    it('should fail its health check when the root cannot be created', async () => {
      const blocked = new FsBlobStorage(join(outside, 'secret.txt', 'root'));

      await expect(blocked.healthCheck()).rejects.toThrow('is not writable');
    });

    it('should treat a folder as a missing blob', async () => {
      await sut.put('folder/file', streamOf('data'));

      await expect(sut.head('folder')).resolves.toBeNull();
      await expect(sut.get('folder')).rejects.toBeInstanceOf(BlobNotFoundError);
    });
  });

  describe('multipart', () => {
    const key = 'lfs/ab/cd/object';

    it('should answer quoted md5 etags and accept them with or without quotes', async () => {
      const uploadId = await sut.createMultipartUpload(key);

      const first = await sut.uploadPart(key, uploadId, 1, streamOf('hello '), 6);
      const second = await sut.uploadPart(key, uploadId, 2, streamOf('world'));

      expect(first.etag).toBe(`"${createHash('md5').update('hello ').digest('hex')}"`);
      await expect(
        sut.completeMultipartUpload(key, uploadId, [
          { partNumber: 1, etag: first.etag },
          { partNumber: 2, etag: second.etag.replace(/"/g, '') },
        ]),
      ).resolves.toEqual({ size: 11 });
      expect(await readAll((await sut.get(key)).body)).toBe('hello world');
      expect(await readdir(join(root, '.kohaku', 'multipart'))).toEqual([]);
      expect(await readdir(join(root, '.kohaku', 'tmp'))).toEqual([]);
    });

    it('should refuse a completion whose etag does not match the stored part, and keep the upload', async () => {
      const uploadId = await sut.createMultipartUpload(key);
      const { etag } = await sut.uploadPart(key, uploadId, 1, streamOf('data'));

      await expect(
        sut.completeMultipartUpload(key, uploadId, [{ partNumber: 1, etag: `"${'0'.repeat(32)}"` }]),
      ).rejects.toBeInstanceOf(InvalidMultipartPartError);

      await expect(sut.head(key)).resolves.toBeNull();
      expect(await readdir(join(root, '.kohaku', 'tmp'))).toEqual([]);
      await expect(sut.completeMultipartUpload(key, uploadId, [{ partNumber: 1, etag }])).resolves.toEqual({
        size: 4,
      });
    });

    it('should refuse a completion that names a missing part or one part twice', async () => {
      const uploadId = await sut.createMultipartUpload(key);
      const { etag } = await sut.uploadPart(key, uploadId, 1, streamOf('data'));

      await expect(
        sut.completeMultipartUpload(key, uploadId, [
          { partNumber: 1, etag },
          { partNumber: 2, etag },
        ]),
      ).rejects.toThrow('Part 2 was never uploaded');
      await expect(
        sut.completeMultipartUpload(key, uploadId, [
          { partNumber: 1, etag },
          { partNumber: 1, etag },
        ]),
      ).rejects.toThrow('listed twice');
      await expect(sut.completeMultipartUpload(key, uploadId, [])).rejects.toBeInstanceOf(InvalidMultipartPartError);
    });

    it.each([0, 10_001, 1.5])('should refuse part number %s', async (partNumber) => {
      const uploadId = await sut.createMultipartUpload(key);

      await expect(sut.uploadPart(key, uploadId, partNumber, streamOf('data'))).rejects.toBeInstanceOf(
        InvalidMultipartPartError,
      );
    });

    it.each(['../../../outside', 'not-an-id', randomUUID()])(
      'should refuse the foreign upload id %s',
      async (uploadId) => {
        await expect(sut.uploadPart(key, uploadId, 1, streamOf('data'))).rejects.toBeInstanceOf(
          MultipartUploadNotFoundError,
        );
        await expect(sut.completeMultipartUpload(key, uploadId, [{ partNumber: 1, etag: 'x' }])).rejects.toBeInstanceOf(
          MultipartUploadNotFoundError,
        );
        await expect(sut.abortMultipartUpload(key, uploadId)).resolves.toBeUndefined();
        expect(await readdir(outside)).toEqual(['secret.txt']);
      },
    );

    it('should refuse an upload id used with another key', async () => {
      const uploadId = await sut.createMultipartUpload(key);

      await expect(sut.uploadPart('lfs/ab/cd/other', uploadId, 1, streamOf('data'))).rejects.toBeInstanceOf(
        MultipartUploadNotFoundError,
      );
      await expect(sut.abortMultipartUpload('lfs/ab/cd/other', uploadId)).resolves.toBeUndefined();

      const { etag } = await sut.uploadPart(key, uploadId, 1, streamOf('data'));
      await expect(sut.completeMultipartUpload(key, uploadId, [{ partNumber: 1, etag }])).resolves.toEqual({ size: 4 });
    });
  });
});
