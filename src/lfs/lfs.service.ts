import { Injectable } from '@nestjs/common';
import { UnprocessableEntityError } from 'src/common/errors/hub-error';
import { isLfsOid, LFS_OID_PATTERN } from 'src/lfs/lfs-keys';
import { LfsObjectNotFoundError, LfsObjectNotUploadedError, LfsObjectSizeMismatchError } from 'src/lfs/lfs.errors';
import { LfsObjectEntity } from 'src/lfs/lfs-object.entity';
import { LfsObjectRepository } from 'src/lfs/lfs-object.repository';
import { LfsStagedObjects } from 'src/lfs/lfs-staged-objects';
import { LfsUrls } from 'src/lfs/lfs-urls';
import { BlobByteRange, BlobReadResult, BlobStorage } from 'src/storage/blob-storage';

/** A verified LFS object as other modules see it. */
export interface LfsObjectInfo {
  oid: string;
  size: number;
}

export interface PresignDownloadOptions {
  /** The public base URL the client used (`publicBaseUrl(request, config)`), for app-served URLs. */
  baseUrl: string;
  /** Served back as the attachment file name. */
  filename?: string;
  /** Defaults to `KOHAKU_HUB_SIGNED_URL_TTL_SECONDS`. */
  expiresInSeconds?: number;
}

/**
 * The LFS object registry, as the rest of the hub uses it (commit, resolve, git). It answers from
 * the registry only, never from a storage path, so an oid can later be backed by something other
 * than one blob (architecture D9). Everything it returns is verified: the server hashed the bytes.
 */
@Injectable()
export class LfsService {
  constructor(
    private readonly objects: LfsObjectRepository,
    private readonly staged: LfsStagedObjects,
    private readonly storage: BlobStorage,
    private readonly urls: LfsUrls,
  ) {}

  async findVerified(oid: string): Promise<LfsObjectInfo | null> {
    if (!isLfsOid(oid)) {
      return null;
    }
    const found = await this.objects.findVerified(oid);
    return found === null ? null : { oid: found.oid, size: found.size };
  }

  /** Sizes of the verified objects among `oids`, keyed by oid; unknown or invalid oids are absent. */
  async findVerifiedMany(oids: readonly string[]): Promise<Map<string, number>> {
    const found = await this.objects.findVerifiedMany(oids.filter(isLfsOid));
    return new Map(found.map((object) => [object.oid, object.size]));
  }

  /**
   * Like `findVerifiedMany`, limited to the objects some commit of the repository references:
   * what its clones may download. An object known only to other repositories stays hidden, even
   * to someone who knows its oid.
   */
  async findDownloadable(repoId: number, oids: readonly string[]): Promise<Map<string, number>> {
    const found = await this.objects.findVerifiedInRepo(repoId, oids.filter(isLfsOid));
    return new Map(found.map((object) => [object.oid, object.size]));
  }

  /**
   * The object, verified, or a 4xx naming the oid: 422 when the oid is malformed, never uploaded,
   * not verified, or has another size than `expectedSize`. Uploads whose bytes reached storage
   * without passing through the application (presigned S3 PUTs the client never verified) are
   * verified here first, so committing right after such an upload works.
   */
  async assertVerified(oid: string, expectedSize?: number): Promise<LfsObjectInfo> {
    if (!LFS_OID_PATTERN.test(oid)) {
      throw new UnprocessableEntityError(`Invalid LFS oid "${oid}": expected a sha256 as 64 lower-case hex digits`);
    }
    let found = await this.objects.findVerified(oid);
    if (found === null && (await this.staged.settlePendingUploads(oid))) {
      found = await this.objects.findVerified(oid);
    }
    if (found === null) {
      throw new LfsObjectNotUploadedError(oid);
    }
    if (expectedSize !== undefined && found.size !== expectedSize) {
      throw new LfsObjectSizeMismatchError(oid, expectedSize, found.size);
    }
    return { oid: found.oid, size: found.size };
  }

  /** Opens a verified object's bytes, whole or one inclusive range (`RangeNotSatisfiableError` past the end). */
  async openObject(oid: string, range?: BlobByteRange): Promise<BlobReadResult> {
    const object = await this.requireVerified(oid);
    return this.storage.get(this.blobKeyOf(object), range);
  }

  /**
   * A URL anyone can GET the object from until it expires: presigned by the object store when it
   * can, otherwise an HMAC-signed URL of this application (`GET /api/lfs/objects/{oid}/content`).
   */
  async presignDownload(oid: string, options: PresignDownloadOptions): Promise<string> {
    const object = await this.requireVerified(oid);
    const expiresInSeconds = options.expiresInSeconds ?? this.urls.ttlSeconds;
    const presigned = await this.storage.presignGet(this.blobKeyOf(object), {
      expiresInSeconds,
      filename: options.filename,
    });
    return presigned ?? this.urls.download(options.baseUrl, oid, options.filename, expiresInSeconds);
  }

  private async requireVerified(oid: string): Promise<LfsObjectEntity> {
    const found = isLfsOid(oid) ? await this.objects.findVerified(oid) : null;
    if (found === null) {
      throw new LfsObjectNotFoundError(oid);
    }
    return found;
  }

  /** The one place that knows how a backend maps to bytes. */
  private blobKeyOf(object: LfsObjectEntity): string {
    switch (object.backend) {
      case 'blob':
        if (object.storageKey === null) {
          throw new Error(`LFS object ${object.oid} is a blob without a storage key`);
        }
        return object.storageKey;
    }
  }
}
