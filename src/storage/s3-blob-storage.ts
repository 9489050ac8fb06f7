import {
  AbortMultipartUploadCommand,
  BucketLocationConstraint,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Logger, OnModuleDestroy } from '@nestjs/common';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { Readable } from 'node:stream';
import { format } from 'node:util';
import { RangeNotSatisfiableError } from 'src/common/errors/hub-error';
import { S3Config } from 'src/config/hub-config';
import {
  assertValidBlobKey,
  assertValidBlobPrefix,
  assertValidExpiry,
  assertValidPartNumber,
  assertValidRange,
  attachmentDisposition,
  BlobByteRange,
  BlobHead,
  BlobListEntry,
  BlobReadResult,
  BlobStorage,
  clampRange,
  MeteredStream,
  orderParts,
  PresignGetOptions,
  PresignPutOptions,
  PutBlobOptions,
  UploadedPart,
} from 'src/storage/blob-storage';
import {
  BlobNotFoundError,
  BlobSizeRequiredError,
  InvalidMultipartPartError,
  MultipartUploadNotFoundError,
  StorageUnavailableError,
} from 'src/storage/storage.errors';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
/** Largest object a single PutObject or CopyObject may carry; beyond it S3 requires multipart. */
const MAX_SINGLE_REQUEST_BYTES = 5 * GIB;
const MAX_PARTS = 10_000;
/**
 * Parts for streamed uploads of unknown size: lib-storage buffers `queueSize` parts in memory, so
 * 16 MiB x 3 caps one upload at 48 MiB of RAM while still allowing objects up to ~156 GiB.
 */
const STREAM_PART_BYTES = 16 * MIB;
const STREAM_QUEUE_SIZE = 3;
const COPY_PART_BYTES = 512 * MIB;
const COPY_CONCURRENCY = 4;

const logger = new Logger('S3BlobStorage');
/**
 * Routes the SDK's warnings (e.g. a failed streaming request) to the application log instead of
 * the console; its per-request info/debug records are dropped as noise.
 */
const sdkLogger = {
  debug: (): void => undefined,
  info: (): void => undefined,
  warn: (...content: unknown[]): void => logger.warn(format(...content)),
  error: (...content: unknown[]): void => logger.error(format(...content)),
};

/**
 * Builds an S3 client for `endpoint` (defaults to the internal one). The checksum settings are not
 * optional: with the SDK's default `WHEN_SUPPORTED`, streamed bodies get aws-chunked checksum
 * trailers that several S3-compatible stores store verbatim, silently corrupting objects, and
 * presigned URLs would require checksum headers the clients never send.
 */
export function createS3Client(config: S3Config, endpoint: string | undefined = config.endpoint): S3Client {
  return new S3Client({
    endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials:
      config.accessKey !== undefined && config.secretKey !== undefined
        ? { accessKeyId: config.accessKey, secretAccessKey: config.secretKey }
        : undefined,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    logger: sdkLogger,
    ...(config.proxyUrl === undefined ? {} : { requestHandler: proxiedRequestHandler(config.proxyUrl) }),
  });
}

/** Tunnels every S3 call through the configured proxy (CONNECT), for plain and TLS endpoints alike. */
function proxiedRequestHandler(proxyUrl: string): NodeHttpHandler {
  const agent = new HttpsProxyAgent(proxyUrl, { keepAlive: true });
  return new NodeHttpHandler({ httpAgent: agent, httpsAgent: agent });
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function httpStatus(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

function isObjectMissing(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'NoSuchBucket' || name === 'NoSuchUpload') {
    return false;
  }
  return name === 'NoSuchKey' || name === 'NotFound' || httpStatus(error) === 404;
}

/** Parses `bytes start-end/size`; `size` may be `*` only on 416 answers, which never reach here. */
function parseContentRange(header: string | undefined): { start: number; end: number; size: number } | undefined {
  const match = header === undefined ? null : /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header.trim());
  return match === null ? undefined : { start: Number(match[1]), end: Number(match[2]), size: Number(match[3]) };
}

/** The `length` bytes of `source` that follow its first `skip` bytes; stops reading the source once done. */
function sliceStream(source: Readable, skip: number, length: number): Readable {
  async function* slice(): AsyncGenerator<Buffer> {
    let toSkip = skip;
    let remaining = length;
    for await (const chunk of source) {
      let buffer = chunk as Buffer;
      if (toSkip > 0) {
        const skipped = Math.min(toSkip, buffer.length);
        buffer = buffer.subarray(skipped);
        toSkip -= skipped;
      }
      if (buffer.length > 0) {
        const taken = buffer.subarray(0, remaining);
        remaining -= taken.length;
        yield taken;
      }
      if (remaining === 0) {
        break;
      }
    }
  }
  return Readable.from(slice(), { objectMode: false });
}

function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Blobs in an S3-compatible bucket (AWS S3, MinIO, R2, Wasabi, B2). `client` talks to the store;
 * `presignClient` differs only by endpoint: it signs URLs for the endpoint clients outside can
 * reach. The adapter owns both clients and destroys them when the module shuts down.
 */
export class S3BlobStorage extends BlobStorage implements OnModuleDestroy {
  constructor(
    private readonly client: S3Client,
    private readonly presignClient: S3Client,
    private readonly bucket: string,
  ) {
    super();
  }

  onModuleDestroy(): void {
    this.client.destroy();
    if (this.presignClient !== this.client) {
      this.presignClient.destroy();
    }
  }

  async ensureReady(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (error) {
      if (httpStatus(error) !== 404 && errorName(error) !== 'NotFound' && errorName(error) !== 'NoSuchBucket') {
        throw error;
      }
    }
    const region = await this.client.config.region();
    try {
      await this.client.send(
        new CreateBucketCommand({
          Bucket: this.bucket,
          // us-east-1 is the one region S3 refuses as an explicit location constraint.
          CreateBucketConfiguration:
            region === 'us-east-1' ? undefined : { LocationConstraint: region as BucketLocationConstraint },
        }),
      );
    } catch (error) {
      // Another replica created it in the meantime.
      if (errorName(error) !== 'BucketAlreadyOwnedByYou') {
        throw error;
      }
    }
  }

  async healthCheck(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      throw new StorageUnavailableError(
        `bucket "${this.bucket}" is not reachable (${errorName(error) ?? String(error)})`,
        error,
      );
    }
  }

  async put(key: string, body: Readable, options: PutBlobOptions = {}): Promise<{ size: number }> {
    assertValidBlobKey(key);
    const { size, contentType } = options;
    if (size !== undefined && size <= MAX_SINGLE_REQUEST_BYTES) {
      const { bytes } = await this.sendBody(body, size, (metered, abortSignal) =>
        this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: metered,
            ContentLength: size,
            ContentType: contentType,
          }),
          { abortSignal },
        ),
      );
      return { size: bytes };
    }
    const partSize =
      size === undefined ? STREAM_PART_BYTES : Math.max(STREAM_PART_BYTES, Math.ceil(size / MAX_PARTS / MIB) * MIB);
    const { bytes } = await this.sendBody(body, size, (metered) =>
      new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: key, Body: metered, ContentType: contentType },
        partSize,
        queueSize: STREAM_QUEUE_SIZE,
      }).done(),
    );
    return { size: bytes };
  }

  async get(key: string, range?: BlobByteRange): Promise<BlobReadResult> {
    assertValidBlobKey(key);
    if (range !== undefined) {
      assertValidRange(range);
    }
    let response;
    try {
      response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range === undefined ? undefined : `bytes=${range.start}-${range.end}`,
        }),
      );
    } catch (error) {
      if (errorName(error) === 'InvalidRange' || httpStatus(error) === 416) {
        const head = await this.head(key);
        throw head === null ? new BlobNotFoundError(key) : new RangeNotSatisfiableError(head.size);
      }
      throw isObjectMissing(error) ? new BlobNotFoundError(key) : error;
    }
    const body = response.Body as Readable;
    const length = response.ContentLength ?? 0;
    if (range === undefined) {
      return { body, size: length, contentLength: length };
    }
    // Some S3-compatible servers ignore Range (answering 200) or widen it (s3rver serves the whole
    // object for `bytes=0-0`); trim what they sent to the window that was asked for.
    const served = parseContentRange(response.ContentRange) ?? { start: 0, end: length - 1, size: length };
    let window: BlobByteRange;
    try {
      window = clampRange(range, served.size);
      if (served.start > window.start || served.end < window.end) {
        throw new Error(`Object store answered bytes ${served.start}-${served.end} for ${window.start}-${window.end}`);
      }
    } catch (error) {
      body.destroy();
      throw error;
    }
    const contentLength = window.end - window.start + 1;
    const isExact = served.start === window.start && served.end === window.end;
    return {
      body: isExact ? body : sliceStream(body, window.start - served.start, contentLength),
      size: served.size,
      contentLength,
    };
  }

  async head(key: string): Promise<BlobHead | null> {
    assertValidBlobKey(key);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: response.ContentLength ?? 0,
        lastModified: response.LastModified ?? new Date(0),
        etag: response.ETag,
      };
    } catch (error) {
      if (isObjectMissing(error)) {
        return null;
      }
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidBlobKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async move(from: string, to: string): Promise<void> {
    assertValidBlobKey(to);
    const source = await this.head(from);
    if (source === null) {
      throw new BlobNotFoundError(from);
    }
    if (from === to) {
      return;
    }
    try {
      if (source.size <= MAX_SINGLE_REQUEST_BYTES) {
        await this.client.send(
          new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: copySource(this.bucket, from) }),
        );
      } else {
        await this.copyInParts(from, to, source.size);
      }
    } catch (error) {
      throw isObjectMissing(error) ? new BlobNotFoundError(from) : error;
    }
    await this.delete(from);
  }

  async *list(prefix: string): AsyncIterable<BlobListEntry> {
    assertValidBlobPrefix(prefix);
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) {
          yield { key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) };
        }
      }
    }
  }

  async createMultipartUpload(key: string): Promise<string> {
    assertValidBlobKey(key);
    const response = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key }));
    if (response.UploadId === undefined) {
      throw new Error(`Object store returned no upload id for ${key}`);
    }
    return response.UploadId;
  }

  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    size?: number,
  ): Promise<{ etag: string }> {
    assertValidBlobKey(key);
    assertValidPartNumber(partNumber);
    if (size === undefined) {
      throw new BlobSizeRequiredError();
    }
    const { result } = await this.sendBody(body, size, (metered, abortSignal) =>
      this.client
        .send(
          new UploadPartCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: metered,
            ContentLength: size,
          }),
          { abortSignal },
        )
        .catch((error: unknown) => {
          throw this.multipartError(error, uploadId);
        }),
    );
    if (result.ETag === undefined) {
      throw new Error(`Object store returned no etag for part ${partNumber} of ${uploadId}`);
    }
    return { etag: result.ETag };
  }

  async presignUploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    expiresInSeconds: number,
  ): Promise<string | null> {
    assertValidBlobKey(key);
    assertValidPartNumber(partNumber);
    assertValidExpiry(expiresInSeconds);
    return getSignedUrl(
      this.presignClient,
      new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber }),
      { expiresIn: expiresInSeconds },
    );
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: UploadedPart[]): Promise<{ size: number }> {
    assertValidBlobKey(key);
    const ordered = orderParts(parts);
    try {
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: ordered.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
        }),
      );
    } catch (error) {
      throw this.multipartError(error, uploadId);
    }
    const head = await this.head(key);
    if (head === null) {
      throw new BlobNotFoundError(key);
    }
    return { size: head.size };
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    assertValidBlobKey(key);
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      if (errorName(error) !== 'NoSuchUpload') {
        throw error;
      }
    }
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<string | null> {
    assertValidBlobKey(key);
    assertValidExpiry(options.expiresInSeconds);
    return getSignedUrl(
      this.presignClient,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition:
          options.filename === undefined ? undefined : attachmentDisposition(options.filename),
        ResponseContentType: options.contentType,
      }),
      { expiresIn: options.expiresInSeconds },
    );
  }

  async presignPut(key: string, options: PresignPutOptions): Promise<string | null> {
    assertValidBlobKey(key);
    assertValidExpiry(options.expiresInSeconds);
    return getSignedUrl(this.presignClient, new PutObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: options.expiresInSeconds,
    });
  }

  /**
   * Runs `send` with `body` metered against `expectedSize`. The SDK pipes request bodies with
   * `.pipe()`, which does not forward a source error, so a failing body would leave the request
   * hanging; the error therefore aborts the request, and the caller sees the body's own error.
   */
  private async sendBody<T>(
    body: Readable,
    expectedSize: number | undefined,
    send: (metered: Readable, abortSignal: AbortSignal) => Promise<T>,
  ): Promise<{ result: T; bytes: number }> {
    const metered = new MeteredStream(expectedSize);
    const abort = new AbortController();
    let bodyError: unknown;
    body.on('error', (error) => {
      bodyError ??= error;
      metered.destroy(error);
    });
    metered.on('error', (error) => {
      bodyError ??= error;
      abort.abort(error);
    });
    body.pipe(metered);
    try {
      const result = await send(metered, abort.signal);
      return { result, bytes: metered.bytes };
    } catch (error) {
      metered.destroy();
      body.unpipe(metered);
      throw bodyError ?? error;
    }
  }

  /** Server-side copy of an object too large for CopyObject, as parallel UploadPartCopy requests. */
  private async copyInParts(from: string, to: string, size: number): Promise<void> {
    const partSize = Math.max(COPY_PART_BYTES, Math.ceil(size / MAX_PARTS / MIB) * MIB);
    const partCount = Math.ceil(size / partSize);
    const uploadId = await this.createMultipartUpload(to);
    const parts: UploadedPart[] = new Array<UploadedPart>(partCount);
    let next = 0;
    const copyNext = async (): Promise<void> => {
      while (next < partCount) {
        const index = next;
        next += 1;
        const start = index * partSize;
        const end = Math.min(size, start + partSize) - 1;
        const response = await this.client.send(
          new UploadPartCopyCommand({
            Bucket: this.bucket,
            Key: to,
            UploadId: uploadId,
            PartNumber: index + 1,
            CopySource: copySource(this.bucket, from),
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        );
        const etag = response.CopyPartResult?.ETag;
        if (etag === undefined) {
          throw new Error(`Object store returned no etag for copied part ${index + 1} of ${from}`);
        }
        parts[index] = { partNumber: index + 1, etag };
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(COPY_CONCURRENCY, partCount) }, copyNext));
      await this.completeMultipartUpload(to, uploadId, parts);
    } catch (error) {
      await this.abortMultipartUpload(to, uploadId).catch(() => undefined);
      throw error;
    }
  }

  private multipartError(error: unknown, uploadId: string): unknown {
    const name = errorName(error);
    if (name === 'NoSuchUpload') {
      return new MultipartUploadNotFoundError(uploadId);
    }
    if (name === 'InvalidPart' || name === 'InvalidPartOrder' || name === 'EntityTooSmall') {
      return new InvalidMultipartPartError((error as Error).message);
    }
    return error;
  }
}
