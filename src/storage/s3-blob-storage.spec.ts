import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  NoSuchKey,
  NoSuchUpload,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { RangeNotSatisfiableError } from 'src/common/errors/hub-error';
import { S3Config } from 'src/config/hub-config';
import { createS3Client, S3BlobStorage } from 'src/storage/s3-blob-storage';
import {
  BlobNotFoundError,
  BlobSizeRequiredError,
  InvalidMultipartPartError,
  MultipartUploadNotFoundError,
  StorageUnavailableError,
} from 'src/storage/storage.errors';

const GIB = 1024 ** 3;
const config: S3Config = {
  endpoint: 'http://minio.internal:9000',
  publicEndpoint: 'https://s3.hub.example',
  accessKey: 'AKIDEXAMPLE',
  secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  bucket: 'hub-blobs',
  region: 'eu-west-1',
  forcePathStyle: true,
};
const metadata = { $metadata: { httpStatusCode: 404 }, message: 'missing' };

function bytes(text: string): Readable {
  return Readable.from([Buffer.from(text)], { objectMode: false });
}

async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString();
}

function s3Error(name: string, httpStatusCode: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message: name });
}

describe(S3BlobStorage.name, () => {
  let client: S3Client;
  let send: jest.Mock;
  let sut: S3BlobStorage;

  beforeEach(() => {
    client = createS3Client(config);
    send = jest.spyOn(client, 'send') as unknown as jest.Mock;
    sut = new S3BlobStorage(client, createS3Client(config, config.publicEndpoint), config.bucket);
  });

  afterEach(() => {
    sut.onModuleDestroy();
    jest.restoreAllMocks();
  });

  describe('presigned URLs', () => {
    it.each([
      ['GET', () => sut.presignGet('lfs/ab/cd/oid', { expiresInSeconds: 600, filename: 'model.bin' })],
      ['PUT', () => sut.presignPut('lfs/ab/cd/oid', { expiresInSeconds: 600 })],
      ['part PUT', () => sut.presignUploadPart('lfs/ab/cd/oid', 'upload-1', 7, 600)],
    ])('should sign a %s URL on the public endpoint with only the host header signed', async (_label, presign) => {
      const url = new URL((await presign()) ?? '');

      expect(url.origin).toBe('https://s3.hub.example');
      expect(url.pathname).toBe('/hub-blobs/lfs/ab/cd/oid');
      expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
      expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
      expect(url.searchParams.get('X-Amz-Content-Sha256')).toBe('UNSIGNED-PAYLOAD');
      expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
      expect(send).not.toHaveBeenCalled();
    });

    it('should bind the part to its upload and name the download', async () => {
      const part = new URL((await sut.presignUploadPart('k/x', 'upload-1', 7, 60)) ?? '');
      const download = new URL((await sut.presignGet('k/x', { expiresInSeconds: 60, filename: 'a "b".bin' })) ?? '');

      expect(part.searchParams.get('uploadId')).toBe('upload-1');
      expect(part.searchParams.get('partNumber')).toBe('7');
      expect(download.searchParams.get('response-content-disposition')).toBe(
        `attachment; filename="a _b_.bin"; filename*=UTF-8''a%20%22b%22.bin`,
      );
    });

    it('should refuse a lifetime S3 would not accept', async () => {
      await expect(sut.presignGet('k/x', { expiresInSeconds: 8 * 24 * 3600 })).rejects.toThrow(RangeError);
    });
  });

  describe('put', () => {
    it('should stream a body of known size as one PutObject', async () => {
      let received = '';
      send.mockImplementation(async (command: PutObjectCommand) => {
        received = await readAll(command.input.Body as Readable);
        return {};
      });

      await expect(sut.put('k/x', bytes('payload'), { size: 7, contentType: 'text/plain' })).resolves.toEqual({
        size: 7,
      });

      const command = send.mock.calls[0][0] as PutObjectCommand;
      expect(command).toBeInstanceOf(PutObjectCommand);
      expect(command.input).toMatchObject({
        Bucket: 'hub-blobs',
        Key: 'k/x',
        ContentLength: 7,
        ContentType: 'text/plain',
      });
      expect(received).toBe('payload');
    });

    it('should abort the request and report the body error when the body fails midway', async () => {
      let signal: AbortSignal | undefined;
      send.mockImplementation((command: PutObjectCommand, options: { abortSignal: AbortSignal }) => {
        signal = options.abortSignal;
        (command.input.Body as Readable).resume();
        // Like the SDK: the request only settles when the body ends or the request is aborted.
        return new Promise((_resolve, reject) => {
          options.abortSignal.addEventListener('abort', () => reject(new Error('Request aborted')));
        });
      });
      const failing = Readable.from(
        (async function* () {
          yield Buffer.alloc(100);
          await Promise.resolve();
          throw new Error('client disconnected');
        })(),
        { objectMode: false },
      );

      await expect(sut.put('k/x', failing, { size: 1000 })).rejects.toThrow('client disconnected');
      expect(signal?.aborted).toBe(true);
    });
  });

  describe('get', () => {
    it('should map a missing key to BlobNotFoundError', async () => {
      send.mockRejectedValue(new NoSuchKey(metadata));

      await expect(sut.get('k/missing')).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    it('should map an unsatisfiable range to RangeNotSatisfiableError with the object size', async () => {
      send.mockImplementation((command: unknown) =>
        command instanceof GetObjectCommand
          ? Promise.reject(s3Error('InvalidRange', 416))
          : Promise.resolve({ ContentLength: 42, LastModified: new Date() }),
      );

      const error = await sut.get('k/x', { start: 50, end: 60 }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(RangeNotSatisfiableError);
      expect((error as RangeNotSatisfiableError).headers).toEqual({ 'Content-Range': 'bytes */42' });
    });

    it('should trim a store answer that ignored the Range header', async () => {
      send.mockResolvedValue({ Body: bytes('0123456789'), ContentLength: 10 });

      const result = await sut.get('k/x', { start: 3, end: 5 });

      expect(result).toMatchObject({ size: 10, contentLength: 3 });
      expect(await readAll(result.body)).toBe('345');
    });

    it('should pass an exact ranged answer through', async () => {
      const body = bytes('3456789');
      send.mockResolvedValue({ Body: body, ContentLength: 7, ContentRange: 'bytes 3-9/10' });

      const result = await sut.get('k/x', { start: 3, end: 99 });

      expect(send.mock.calls[0][0].input.Range).toBe('bytes=3-99');
      expect(result).toEqual({ body, size: 10, contentLength: 7 });
    });
  });

  describe('multipart', () => {
    it('should need the part size up front', async () => {
      await expect(sut.uploadPart('k/x', 'upload-1', 1, bytes('data'))).rejects.toBeInstanceOf(BlobSizeRequiredError);
    });

    it('should abort an upload and treat an unknown one as already aborted', async () => {
      send.mockResolvedValueOnce({}).mockRejectedValueOnce(new NoSuchUpload(metadata));

      await sut.abortMultipartUpload('k/x', 'upload-1');
      await expect(sut.abortMultipartUpload('k/x', 'upload-1')).resolves.toBeUndefined();

      expect(send.mock.calls[0][0]).toBeInstanceOf(AbortMultipartUploadCommand);
      expect(send.mock.calls[0][0].input).toEqual({ Bucket: 'hub-blobs', Key: 'k/x', UploadId: 'upload-1' });
    });

    it('should complete with parts in order and report the object size', async () => {
      send.mockImplementation((command: unknown) =>
        Promise.resolve(command instanceof HeadObjectCommand ? { ContentLength: 12 } : {}),
      );

      await expect(
        sut.completeMultipartUpload('k/x', 'upload-1', [
          { partNumber: 2, etag: '"b"' },
          { partNumber: 1, etag: '"a"' },
        ]),
      ).resolves.toEqual({ size: 12 });

      expect(send.mock.calls[0][0].input.MultipartUpload).toEqual({
        Parts: [
          { PartNumber: 1, ETag: '"a"' },
          { PartNumber: 2, ETag: '"b"' },
        ],
      });
    });

    it.each([
      ['NoSuchUpload', MultipartUploadNotFoundError],
      ['InvalidPart', InvalidMultipartPartError],
      ['EntityTooSmall', InvalidMultipartPartError],
    ])('should map %s on completion to %p', async (name, errorClass) => {
      send.mockRejectedValue(s3Error(name, name === 'NoSuchUpload' ? 404 : 400));

      await expect(
        sut.completeMultipartUpload('k/x', 'upload-1', [{ partNumber: 1, etag: 'a' }]),
      ).rejects.toBeInstanceOf(errorClass);
    });
  });

  describe('move', () => {
    it('should copy an object beyond 5 GiB in ranged parts, then delete the source', async () => {
      const size = 6 * GIB + 5;
      send.mockImplementation((command: unknown) => {
        if (command instanceof HeadObjectCommand) {
          return Promise.resolve({ ContentLength: size });
        }
        if (command instanceof CreateMultipartUploadCommand) {
          return Promise.resolve({ UploadId: 'copy-1' });
        }
        if (command instanceof UploadPartCopyCommand) {
          return Promise.resolve({ CopyPartResult: { ETag: `"etag-${command.input.PartNumber}"` } });
        }
        return Promise.resolve({});
      });

      await sut.move('staging/big', 'lfs/ab/cd/big');

      const commands = send.mock.calls.map(([command]) => command as { input: Record<string, unknown> });
      const copies = commands.filter((command) => command instanceof UploadPartCopyCommand);
      const ranges = copies
        .map((command) => command.input)
        .sort((a, b) => Number(a.PartNumber) - Number(b.PartNumber))
        .map((input) => (input.CopySourceRange as string).replace('bytes=', '').split('-').map(Number));
      expect(copies[0].input).toMatchObject({
        Key: 'lfs/ab/cd/big',
        UploadId: 'copy-1',
        CopySource: 'hub-blobs/staging/big',
      });
      expect(ranges[0][0]).toBe(0);
      expect(ranges[ranges.length - 1][1]).toBe(size - 1);
      ranges.slice(1).forEach(([start], index) => expect(start).toBe(ranges[index][1] + 1));
      const complete = commands.find((command) => command instanceof CompleteMultipartUploadCommand);
      expect((complete?.input.MultipartUpload as { Parts: unknown[] }).Parts).toHaveLength(copies.length);
      const last = commands[commands.length - 1];
      expect(last).toBeInstanceOf(DeleteObjectCommand);
      expect(last.input).toEqual({ Bucket: 'hub-blobs', Key: 'staging/big' });
    });

    it('should report a missing source', async () => {
      send.mockRejectedValue(new NotFound(metadata));

      await expect(sut.move('staging/none', 'lfs/x')).rejects.toBeInstanceOf(BlobNotFoundError);
    });
  });

  describe('readiness', () => {
    it('should create a missing bucket in its region', async () => {
      send.mockRejectedValueOnce(new NotFound(metadata)).mockResolvedValueOnce({});

      await sut.ensureReady();

      expect(send.mock.calls[0][0]).toBeInstanceOf(HeadBucketCommand);
      expect(send.mock.calls[1][0]).toBeInstanceOf(CreateBucketCommand);
      expect(send.mock.calls[1][0].input).toEqual({
        Bucket: 'hub-blobs',
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      });
    });

    it('should not touch a bucket that exists', async () => {
      send.mockResolvedValue({});

      await sut.ensureReady();

      expect(send).toHaveBeenCalledTimes(1);
    });

    it('should fail its health check with a short reason when the bucket is unreachable', async () => {
      send.mockRejectedValue(s3Error('AccessDenied', 403));

      await expect(sut.healthCheck()).rejects.toThrow(StorageUnavailableError);
      await expect(sut.healthCheck()).rejects.toThrow('bucket "hub-blobs" is not reachable (AccessDenied)');
    });
  });
});
