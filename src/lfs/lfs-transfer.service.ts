import { Injectable } from '@nestjs/common';
import { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { UnprocessableEntityError } from 'src/common/errors/hub-error';
import { attachmentDisposition } from 'src/storage/blob-storage';
import { UrlSigner } from 'src/storage/url-signer';
import { SignedUrlError } from 'src/storage/storage.errors';
import { parseByteRange } from 'src/lfs/byte-range';
import { LfsCompleteMultipartDto, LfsVerifyRequestDto } from 'src/lfs/lfs.dto';
import { LfsObjectNotFoundError, LfsUploadBodyConsumedError } from 'src/lfs/lfs.errors';
import { isLfsOid } from 'src/lfs/lfs-keys';
import { LfsService } from 'src/lfs/lfs.service';
import { LfsUploadService } from 'src/lfs/lfs-upload.service';

/** What a signed request brings: the path it was signed for and its query. */
export interface SignedRequest {
  path: string;
  query: Record<string, unknown>;
}

/** A request body the application streams into storage. */
export interface IncomingBody {
  stream: Readable;
  headers: IncomingHttpHeaders;
  /** True when a body parser already read the stream (a JSON or form content type was sent). */
  isConsumed: boolean;
}

export interface DownloadAnswer {
  status: 200 | 206;
  headers: Record<string, string>;
  /** Absent for HEAD. */
  body?: Readable;
}

function announcedLength(headers: IncomingHttpHeaders): number | undefined {
  const value = headers['content-length'];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

function rawBody(body: IncomingBody): Readable {
  if (body.isConsumed) {
    throw new LfsUploadBodyConsumedError(body.headers['content-type'] ?? '');
  }
  return body.stream;
}

/**
 * The routes behind the self-authenticating URLs the batch API hands out when the application
 * serves the bytes itself (fs storage): the signature is the only credential, checked here
 * before anything else.
 */
@Injectable()
export class LfsTransferService {
  constructor(
    private readonly signer: UrlSigner,
    private readonly uploads: LfsUploadService,
    private readonly lfs: LfsService,
  ) {}

  async receiveUpload(uploadId: string, signed: SignedRequest, body: IncomingBody): Promise<void> {
    const params = this.signer.verify('PUT', signed.path, signed.query);
    const size = Number(params.size);
    if (!isLfsOid(params.oid) || !Number.isSafeInteger(size)) {
      throw new SignedUrlError('the URL does not name an object');
    }
    await this.uploads.receiveUpload(uploadId, { oid: params.oid, size }, rawBody(body), announcedLength(body.headers));
  }

  /** Resolves with the part's ETag, which the client sends back in the completion. */
  async receivePart(uploadId: string, partNumber: number, signed: SignedRequest, body: IncomingBody): Promise<string> {
    this.signer.verify('PUT', signed.path, signed.query);
    return this.uploads.receivePart(uploadId, partNumber, rawBody(body), announcedLength(body.headers));
  }

  /** The signed verify action: the object it was issued for, which the body must name too. */
  async verifyUpload(signed: SignedRequest, request: LfsVerifyRequestDto): Promise<void> {
    const params = this.signer.verify('POST', signed.path, signed.query);
    if (params.oid !== request.oid || params.size !== String(request.size)) {
      throw new UnprocessableEntityError(
        `This verify URL was issued for LFS object ${params.oid} (${params.size} bytes), not ${request.oid} (${request.size} bytes)`,
      );
    }
    await this.uploads.verify(request.oid, request.size);
  }

  async completeMultipart(uploadId: string, signed: SignedRequest, completion: LfsCompleteMultipartDto): Promise<void> {
    this.signer.verify('POST', signed.path, signed.query);
    await this.uploads.completeMultipart(uploadId, completion.oid, completion.parts);
  }

  /**
   * Serves a verified object, whole or one byte range, with the headers clients rely on: exact
   * `Content-Length`, `Accept-Ranges`, a strong `ETag` (the oid) and `Content-Range` on 206.
   * HEAD requests use the URL issued for GET and get the same headers without a body.
   */
  async openDownload(
    oid: string,
    signed: SignedRequest,
    rangeHeader: string | undefined,
    isHead: boolean,
  ): Promise<DownloadAnswer> {
    const { filename } = this.signer.verify('GET', signed.path, signed.query);
    const object = await this.lfs.findVerified(oid);
    if (object === null) {
      throw new LfsObjectNotFoundError(oid);
    }
    const range = parseByteRange(rangeHeader, object.size);
    const headers: Record<string, string> = {
      'Content-Type': 'application/octet-stream',
      'Accept-Ranges': 'bytes',
      ETag: `"${object.oid}"`,
      // The content behind an oid never changes; the URL itself expires.
      'Cache-Control': 'private, max-age=3600, immutable',
    };
    if (filename !== undefined) {
      headers['Content-Disposition'] = attachmentDisposition(filename);
    }
    const length = range === undefined ? object.size : range.end - range.start + 1;
    headers['Content-Length'] = String(length);
    if (range !== undefined) {
      headers['Content-Range'] = `bytes ${range.start}-${range.end}/${object.size}`;
    }
    const status = range === undefined ? 200 : 206;
    if (isHead) {
      return { status, headers };
    }
    const { body } = await this.lfs.openObject(oid, range);
    return { status, headers, body };
  }
}
