import { AuthUser } from 'src/common/auth-user';
import { HubConfig } from 'src/config/hub-config';
import { LfsBatchService } from 'src/lfs/lfs-batch.service';
import { LfsBatchRequestDto } from 'src/lfs/lfs.dto';
import { LfsHashAlgoUnsupportedError, LfsTooManyObjectsError } from 'src/lfs/lfs.errors';
import { LfsService } from 'src/lfs/lfs.service';
import { LfsTransferPolicy } from 'src/lfs/lfs-transfer-policy';
import { LfsUploadService } from 'src/lfs/lfs-upload.service';
import { LfsUrls } from 'src/lfs/lfs-urls';
import { RepoService } from 'src/repo/repo.service';

const MIB = 1024 * 1024;
const user: AuthUser = { id: 7, username: 'alice', isAdmin: false, credential: 'token', credentialId: 1 };
const target = { type: 'model' as const, namespace: 'alice', name: 'model' };
const small = { oid: 'a'.repeat(64), size: 10 };
const large = { oid: 'b'.repeat(64), size: 100 * MIB };

describe(LfsBatchService.name, () => {
  let repos: { getRepo: jest.Mock };
  let lfs: { findVerifiedMany: jest.Mock; findDownloadable: jest.Mock; presignDownload: jest.Mock };
  let uploads: { createUpload: jest.Mock; verify: jest.Mock };
  let sut: LfsBatchService;

  function request(overrides: Partial<LfsBatchRequestDto>): LfsBatchRequestDto {
    return { operation: 'upload', objects: [small], ...overrides };
  }

  beforeEach(() => {
    repos = { getRepo: jest.fn().mockResolvedValue({ id: 3, type: 'model' }) };
    lfs = {
      findVerifiedMany: jest.fn().mockResolvedValue(new Map()),
      findDownloadable: jest.fn().mockResolvedValue(new Map()),
      presignDownload: jest.fn(),
    };
    uploads = {
      createUpload: jest.fn().mockResolvedValue({ actions: { upload: { href: 'https://signed' } } }),
      verify: jest.fn(),
    };
    sut = batchServiceAllowing(1000);
  });

  function batchServiceAllowing(maxBatchObjects: number): LfsBatchService {
    const lfsTransfer = { multipartThresholdBytes: 64 * MIB, multipartChunkBytes: 16 * MIB, maxBatchObjects };
    return new LfsBatchService(
      repos as unknown as RepoService,
      lfs as unknown as LfsService,
      uploads as unknown as LfsUploadService,
      { ttlSeconds: 60 } as LfsUrls,
      new LfsTransferPolicy({ lfsTransfer } as HubConfig),
    );
  }

  it('should need write access to upload and read access to download', async () => {
    await sut.batch(user, target, request({}), 'http://hub');
    await sut.batch(user, target, request({ operation: 'download' }), 'http://hub');

    expect(repos.getRepo.mock.calls.map((call) => call[4])).toEqual(['write', 'read']);
  });

  it('should offer downloads only of objects the repository references, and uploads against every verified object', async () => {
    lfs.findVerifiedMany.mockResolvedValue(new Map([[small.oid, small.size]]));

    const download = await sut.batch(user, target, request({ operation: 'download' }), 'http://hub');
    const upload = await sut.batch(user, target, request({}), 'http://hub');

    expect(lfs.findDownloadable).toHaveBeenCalledWith(3, [small.oid]);
    expect(download.objects[0]).toMatchObject({ oid: small.oid, error: { code: 404 } });
    expect(upload.objects[0]).toEqual({ oid: small.oid, size: small.size });
  });

  it('should answer basic unless multipart is offered and an object is above the threshold', async () => {
    await expect(sut.batch(user, target, request({ objects: [large] }), 'u')).resolves.toMatchObject({
      transfer: 'basic',
    });
    await expect(
      sut.batch(user, target, request({ transfers: ['basic', 'multipart'], objects: [small] }), 'u'),
    ).resolves.toMatchObject({ transfer: 'basic' });

    const answer = await sut.batch(
      user,
      target,
      request({ transfers: ['basic', 'multipart', 'xet'], objects: [small, large] }),
      'u',
    );

    expect(answer.transfer).toBe('multipart');
    expect(uploads.createUpload.mock.calls.slice(-2).map((call) => call[0].transfer)).toEqual([
      'multipart',
      'multipart',
    ]);
  });

  it('should leave out actions for verified objects and create one upload per distinct object', async () => {
    lfs.findVerifiedMany.mockResolvedValue(new Map([[large.oid, large.size]]));

    const answer = await sut.batch(user, target, request({ objects: [large, small, small] }), 'u');

    expect(answer.objects[0]).toEqual(large);
    expect(answer.objects[1]).toEqual({
      ...small,
      authenticated: true,
      actions: { upload: { href: 'https://signed' } },
    });
    expect(answer.objects[2]).toBe(answer.objects[1]);
    expect(uploads.createUpload).toHaveBeenCalledTimes(1);
  });

  it('should report a known oid announced with another size as a per-object 422', async () => {
    lfs.findVerifiedMany.mockResolvedValue(new Map([[small.oid, small.size + 1]]));

    const answer = await sut.batch(user, target, request({}), 'u');

    expect(answer.objects[0].error).toEqual({ code: 422, message: expect.stringContaining('exists with size 11') });
  });

  it('should refuse other hash algorithms and oversized batches', async () => {
    await expect(sut.batch(user, target, request({ hash_algo: 'sha_256' }), 'u')).resolves.toBeDefined();
    await expect(sut.batch(user, target, request({ hash_algo: 'sha512' }), 'u')).rejects.toBeInstanceOf(
      LfsHashAlgoUnsupportedError,
    );
    sut = batchServiceAllowing(1);
    await expect(sut.batch(user, target, request({ objects: [small, large] }), 'u')).rejects.toBeInstanceOf(
      LfsTooManyObjectsError,
    );
  });
});
