import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LfsContentMismatchError } from 'src/lfs/lfs.errors';
import { LfsObjectRepository } from 'src/lfs/lfs-object.repository';
import { LfsStagedObjects, Sha256Meter } from 'src/lfs/lfs-staged-objects';
import { LfsUploadSessionEntity } from 'src/lfs/lfs-upload-session.entity';
import { LfsUploadSessionRepository } from 'src/lfs/lfs-upload-session.repository';
import { Sha256Workers } from 'src/lfs/sha256-workers';
import { BlobStorage } from 'src/storage/blob-storage';

const content = Buffer.from('hello lfs');
const oid = createHash('sha256').update(content).digest('hex');

function session(overrides: Partial<LfsUploadSessionEntity> = {}): LfsUploadSessionEntity {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    oid,
    size: content.length,
    transfer: 'basic',
    state: 'verifying',
    stagingKey: 'staging/00000000-0000-4000-8000-000000000001',
    multipartUploadId: null,
    chunkSize: null,
    partCount: null,
    repoId: 1,
    userId: 1,
    expiresAt: new Date(Date.now() + 60_000),
    createdAt: new Date(),
    ...overrides,
  };
}

function sink(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}

const hashers = new Sha256Workers();
afterAll(() => hashers.onModuleDestroy());

describe(Sha256Meter.name, () => {
  it('should measure the sha256 and length of what passes', async () => {
    const sut = new Sha256Meter(oid, content.length, hashers.open());
    await pipeline(Readable.from([content.subarray(0, 4), content.subarray(4)]), sut, sink());
    expect(sut.measured()).toEqual({ oid, size: content.length });
  });

  it('should fail as soon as more bytes arrive than announced', async () => {
    const sut = new Sha256Meter(oid, 4, hashers.open());
    await expect(pipeline(Readable.from([content]), sut, sink())).rejects.toBeInstanceOf(LfsContentMismatchError);
  });
});

describe(LfsStagedObjects.name, () => {
  let storage: jest.Mocked<Pick<BlobStorage, 'move' | 'delete' | 'abortMultipartUpload' | 'get' | 'head'>>;
  let objects: jest.Mocked<Pick<LfsObjectRepository, 'registerVerified' | 'findVerified'>>;
  let sessions: jest.Mocked<Pick<LfsUploadSessionRepository, 'delete' | 'findPendingBasic' | 'claim' | 'release'>>;
  let sut: LfsStagedObjects;

  beforeEach(() => {
    storage = {
      move: jest.fn().mockResolvedValue(undefined),
      delete: jest.fn().mockResolvedValue(undefined),
      abortMultipartUpload: jest.fn().mockResolvedValue(undefined),
      get: jest.fn(),
      head: jest.fn(),
    };
    objects = { registerVerified: jest.fn().mockResolvedValue(undefined), findVerified: jest.fn() };
    sessions = {
      delete: jest.fn().mockResolvedValue(true),
      findPendingBasic: jest.fn().mockResolvedValue([]),
      claim: jest.fn().mockResolvedValue(true),
      release: jest.fn().mockResolvedValue(undefined),
    };
    sut = new LfsStagedObjects(
      storage as unknown as BlobStorage,
      objects as unknown as LfsObjectRepository,
      sessions as unknown as LfsUploadSessionRepository,
      hashers,
    );
  });

  it('should move matching bytes to their content address before registering them', async () => {
    await sut.settle(session(), { oid, size: content.length });

    const key = `lfs/${oid.slice(0, 2)}/${oid.slice(2, 4)}/${oid}`;
    expect(storage.move).toHaveBeenCalledWith(session().stagingKey, key);
    expect(objects.registerVerified).toHaveBeenCalledWith({
      oid,
      size: content.length,
      backend: 'blob',
      storageKey: key,
    });
    expect(storage.move.mock.invocationCallOrder[0]).toBeLessThan(objects.registerVerified.mock.invocationCallOrder[0]);
    expect(sessions.delete).toHaveBeenCalledWith(session().id);
  });

  it('should discard bytes whose hash or size differ, and register nothing', async () => {
    await expect(sut.settle(session(), { oid: 'f'.repeat(64), size: content.length })).rejects.toBeInstanceOf(
      LfsContentMismatchError,
    );
    await expect(sut.settle(session(), { oid, size: content.length + 1 })).rejects.toThrow('bytes arrived');

    expect(storage.move).not.toHaveBeenCalled();
    expect(objects.registerVerified).not.toHaveBeenCalled();
    expect(storage.delete).toHaveBeenCalledWith(session().stagingKey);
  });

  it('should hash staged bytes it did not see arrive', async () => {
    storage.head.mockResolvedValue({ size: content.length, lastModified: new Date() });
    storage.get.mockResolvedValue({
      body: Readable.from([content]),
      size: content.length,
      contentLength: content.length,
    });
    sessions.findPendingBasic.mockResolvedValue([session({ state: 'pending' })]);

    await expect(sut.settlePendingUploads(oid)).resolves.toBe(true);

    expect(sessions.claim).toHaveBeenCalled();
    expect(objects.registerVerified).toHaveBeenCalled();
  });

  it('should skip pending uploads whose bytes never arrived', async () => {
    storage.head.mockResolvedValue(null);
    sessions.findPendingBasic.mockResolvedValue([session({ state: 'pending' })]);

    await expect(sut.settlePendingUploads(oid)).resolves.toBe(false);

    expect(sessions.claim).not.toHaveBeenCalled();
  });

  it('should keep going when a store cannot abort a multipart upload', async () => {
    storage.abortMultipartUpload.mockRejectedValue(new Error('not supported'));
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

    await sut.removeStagedBytes(session({ multipartUploadId: 'upload-1' }));

    expect(storage.delete).toHaveBeenCalledWith(session().stagingKey);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});
