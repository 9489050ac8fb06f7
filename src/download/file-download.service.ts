import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { AuthUser } from 'src/common/auth-user';
import { ServerError } from 'src/common/errors/hub-error';
import { HubConfig } from 'src/config/hub-config';
import { DownloadDelivery, DownloadEvents } from 'src/download/download-events';
import {
  contentTypeOf,
  fileNameOf,
  inlineDisposition,
  RequestedBytes,
  requestedBytes,
} from 'src/download/file-headers';
import { LocatedFile, RepoFileLocator, RepoFileRequest } from 'src/download/repo-file-locator';
import { LfsService } from 'src/lfs/lfs.service';
import { BlobByteRange } from 'src/storage/blob-storage';

/** What the route needs to know about the HTTP request. */
export interface FileHttpRequest {
  method: string;
  rangeHeader?: string;
  /** The public base URL the client used, for signed URLs the app serves itself. */
  baseUrl: string;
  /** The JS client asks for no `Content-Disposition` with `?noContentDisposition=1`. */
  isDispositionWanted: boolean;
  clientIp?: string;
  userAgent?: string;
}

interface OpenedBlob {
  body: Readable;
  /** Read through the shared `cat-file` pool rather than a process of its own. */
  isPooled: boolean;
}

/** A response to write: status, headers and, for GET, the body. */
export interface FileAnswer {
  status: 200 | 206 | 302;
  headers: Record<string, string>;
  /** Absent for HEAD and redirects. Small files come as a Buffer, others as a stream. */
  body?: Readable | Buffer;
}

/**
 * Blobs up to this size are read through the pooled `cat-file` processes; larger ones stream from
 * a process of their own, so slow clients cannot hold the pool (and with it every HEAD of the
 * repository) for the length of their download. Socket buffers absorb the smaller ones at once.
 */
const MAX_POOLED_READ_BYTES = 256 * 1024;

/**
 * Resolve and raw downloads (hf-protocol §3.7). Every answer carries `X-Repo-Commit` (the commit
 * the revision resolved to), a strong `ETag`, `Last-Modified` (that commit's date), the exact
 * `Content-Length` (also on HEAD) and `Accept-Ranges`; nothing is ever compressed. Regular files
 * stream out of git. LFS files are redirected to a short-lived signed URL (`redirect` mode) or
 * streamed from storage (`proxy` mode); HEAD never redirects, so clients that follow same-host
 * redirects on HEAD still read the metadata from the resolve answer itself.
 */
@Injectable()
export class FileDownloadService {
  constructor(
    private readonly locator: RepoFileLocator,
    private readonly lfs: LfsService,
    private readonly events: DownloadEvents,
    private readonly config: HubConfig,
  ) {}

  /** The file's content: for LFS files the object, not the pointer. */
  async resolve(user: AuthUser | undefined, target: RepoFileRequest, http: FileHttpRequest): Promise<FileAnswer> {
    const file = await this.locator.locate(user, target);
    if (file.lfs === null) {
      return this.serveBlob(user, file, http, { isDownload: true });
    }
    const lfs = file.lfs;
    const headers = {
      ...this.commonHeaders(file, http),
      ETag: `"${lfs.oid}"`,
      'X-Linked-Etag': `"${lfs.oid}"`,
      'X-Linked-Size': String(lfs.size),
    };
    if (http.method === 'HEAD') {
      return { status: 200, headers: { ...headers, 'Content-Length': String(lfs.size) } };
    }
    if (this.config.downloadMode === 'redirect') {
      const location = await this.lfs.presignDownload(lfs.oid, {
        baseUrl: http.baseUrl,
        filename: fileNameOf(file.path),
      });
      this.publish(user, file, http, lfs.size, null, 'redirect');
      return {
        status: 302,
        headers: { ...headers, Location: location, 'Cache-Control': 'no-store', 'Content-Length': '0' },
      };
    }
    const wanted = requestedBytes(http.rangeHeader, lfs.size, { 'X-Repo-Commit': file.commit.sha });
    const answer = partialAnswer(headers, wanted, lfs.size);
    if (wanted.kind !== 'empty') {
      answer.body = (await this.lfs.openObject(lfs.oid, wanted.kind === 'range' ? wanted.range : undefined)).body;
    }
    this.publish(user, file, http, lfs.size, rangeOf(wanted), 'storage');
    return answer;
  }

  /** The git blob as stored: the pointer text for LFS files (JS `fileExists` and `downloadFile({ raw })`). */
  async raw(user: AuthUser | undefined, target: RepoFileRequest, http: FileHttpRequest): Promise<FileAnswer> {
    return this.serveBlob(user, await this.locator.locate(user, target), http, { isDownload: false });
  }

  private async serveBlob(
    user: AuthUser | undefined,
    file: LocatedFile,
    http: FileHttpRequest,
    options: { isDownload: boolean },
  ): Promise<FileAnswer> {
    const headers = { ...this.commonHeaders(file, http), ETag: `"${file.blobSha}"` };
    if (http.method === 'HEAD') {
      return { status: 200, headers: { ...headers, 'Content-Length': String(file.blobSize) } };
    }
    const wanted = requestedBytes(http.rangeHeader, file.blobSize, { 'X-Repo-Commit': file.commit.sha });
    const answer = partialAnswer(headers, wanted, file.blobSize);
    if (file.smallContent !== null) {
      answer.body =
        wanted.kind === 'range'
          ? file.smallContent.subarray(wanted.range.start, wanted.range.end + 1)
          : wanted.kind === 'all'
            ? file.smallContent
            : undefined;
    } else if (wanted.kind !== 'empty') {
      const blob = await this.openBlob(file);
      answer.body = wanted.kind === 'range' ? Readable.from(windowOf(blob, wanted.range)) : blob.body;
    }
    if (options.isDownload) {
      this.publish(user, file, http, file.blobSize, rangeOf(wanted), 'git');
    }
    return answer;
  }

  private async openBlob(file: LocatedFile): Promise<OpenedBlob> {
    if (file.blobSize > MAX_POOLED_READ_BYTES) {
      return { body: file.git.streamBlob(file.blobSha), isPooled: false };
    }
    const blob = await file.git.readBlob(file.blobSha);
    if (blob === null) {
      throw new ServerError(`The blob of ${file.path} is missing from ${file.repo.fullId}`);
    }
    return { body: blob.body, isPooled: true };
  }

  private commonHeaders(file: LocatedFile, http: FileHttpRequest): Record<string, string> {
    return {
      'X-Repo-Commit': file.commit.sha,
      'Last-Modified': file.commit.committedAt.toUTCString(),
      'Accept-Ranges': 'bytes',
      'Content-Type': contentTypeOf(file.path),
      // Repository content is user content: no type sniffing into something a browser would run.
      'X-Content-Type-Options': 'nosniff',
      ...(http.isDispositionWanted ? { 'Content-Disposition': inlineDisposition(file.path) } : {}),
    };
  }

  private publish(
    user: AuthUser | undefined,
    file: LocatedFile,
    http: FileHttpRequest,
    size: number,
    range: BlobByteRange | null,
    delivery: DownloadDelivery,
  ): void {
    this.events.publish({
      repoId: file.repo.id,
      repoType: file.repo.type,
      repoFullId: file.repo.fullId,
      revision: file.revision,
      commitSha: file.commit.sha,
      path: file.path,
      size,
      isLfs: file.lfs !== null,
      range,
      delivery,
      userId: user?.id ?? null,
      clientIp: http.clientIp ?? null,
      userAgent: http.userAgent ?? null,
      at: new Date(),
    });
  }
}

/** Status, `Content-Length` and `Content-Range` for the bytes asked of a file of `size` bytes. */
function partialAnswer(headers: Record<string, string>, wanted: RequestedBytes, size: number): FileAnswer {
  switch (wanted.kind) {
    case 'all':
      return { status: 200, headers: { ...headers, 'Content-Length': String(size) } };
    case 'range':
      return {
        status: 206,
        headers: {
          ...headers,
          'Content-Length': String(wanted.range.end - wanted.range.start + 1),
          'Content-Range': `bytes ${wanted.range.start}-${wanted.range.end}/${size}`,
        },
      };
    case 'empty':
      return { status: 206, headers: { ...headers, 'Content-Length': '0', 'Content-Range': 'bytes */0' } };
  }
}

function rangeOf(wanted: RequestedBytes): BlobByteRange | null {
  return wanted.kind === 'range' ? wanted.range : null;
}

/**
 * The bytes `range` selects from a git blob stream. git cannot seek, so the bytes before the range
 * are read and dropped. After it, a pooled `cat-file` process is drained to the end of the (small)
 * blob so it stays in step for the next request, while a process of its own is simply ended.
 */
async function* windowOf(blob: OpenedBlob, range: BlobByteRange): AsyncGenerator<Buffer> {
  let offset = 0;
  for await (const chunk of blob.body as AsyncIterable<Buffer>) {
    const chunkEnd = offset + chunk.length;
    if (chunkEnd > range.start && offset <= range.end) {
      yield chunk.subarray(Math.max(0, range.start - offset), Math.min(chunk.length, range.end + 1 - offset));
    }
    offset = chunkEnd;
    if (offset > range.end && !blob.isPooled) {
      break;
    }
  }
}
