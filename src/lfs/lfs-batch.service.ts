import { Injectable } from '@nestjs/common';
import { AuthUser } from 'src/common/auth-user';
import {
  LFS_TRANSFERS,
  LfsBatchObjectResponseDto,
  LfsBatchRequestDto,
  LfsBatchResponseDto,
  LfsTransfer,
  LfsVerifyRequestDto,
} from 'src/lfs/lfs.dto';
import { LfsHashAlgoUnsupportedError, LfsTooManyObjectsError, LfsTransferUnsupportedError } from 'src/lfs/lfs.errors';
import { isLfsOid } from 'src/lfs/lfs-keys';
import { LfsService } from 'src/lfs/lfs.service';
import { LfsTransferPolicy } from 'src/lfs/lfs-transfer-policy';
import { LfsUploadService } from 'src/lfs/lfs-upload.service';
import { LfsUrls } from 'src/lfs/lfs-urls';
import { findLfsRepo, LfsRepoTarget } from 'src/lfs/lfs-repo-lookup';
import { RepoRecord } from 'src/repo/repo-record';
import { RepoService } from 'src/repo/repo.service';

/** Python sends `sha256`, JS `sha_256` (hf-protocol §3.13); absent means sha256 (git-lfs batch.md). */
const SHA256_NAMES = new Set(['sha256', 'sha_256']);

interface ValidObject {
  oid: string;
  size: number;
}

function validateObject(raw: unknown): ValidObject | { oid: string; size: number; message: string } {
  const { oid, size } = (raw ?? {}) as { oid?: unknown; size?: unknown };
  const shownOid = typeof oid === 'string' ? oid : '';
  const shownSize = typeof size === 'number' && Number.isSafeInteger(size) ? size : 0;
  if (!isLfsOid(oid)) {
    return { oid: shownOid, size: shownSize, message: 'oid must be a sha256: 64 lower-case hex digits' };
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    return { oid, size: shownSize, message: 'size must be a non-negative integer' };
  }
  return { oid, size };
}

/**
 * The git-lfs batch API (git-lfs docs/api/batch.md) in the flavour the HF clients speak
 * (hf-protocol §3.13). Whole-request problems are errors of the request (rendered as LFS JSON by
 * `LfsExceptionFilter`); a bad or missing object is an `error` inside a 200 answer, because the
 * protocol reports per object so that the valid objects of the batch still proceed.
 */
@Injectable()
export class LfsBatchService {
  constructor(
    private readonly repos: RepoService,
    private readonly lfs: LfsService,
    private readonly uploads: LfsUploadService,
    private readonly urls: LfsUrls,
    private readonly policy: LfsTransferPolicy,
  ) {}

  async batch(
    user: AuthUser | undefined,
    target: LfsRepoTarget,
    request: LfsBatchRequestDto,
    baseUrl: string,
  ): Promise<LfsBatchResponseDto> {
    const repo = await findLfsRepo(this.repos, user, target, request.operation === 'upload' ? 'write' : 'read');
    if (request.hash_algo !== undefined && !SHA256_NAMES.has(request.hash_algo)) {
      throw new LfsHashAlgoUnsupportedError(request.hash_algo);
    }
    if (request.objects.length > this.policy.maxObjectsPerBatch) {
      throw new LfsTooManyObjectsError(request.objects.length, this.policy.maxObjectsPerBatch);
    }
    const offered = request.transfers ?? ['basic'];
    if (!LFS_TRANSFERS.some((transfer) => offered.includes(transfer))) {
      throw new LfsTransferUnsupportedError(offered);
    }
    const checked = request.objects.map(validateObject);
    const valid = checked.filter((object): object is ValidObject => !('message' in object));
    const oids = valid.map((object) => object.oid);
    if (request.operation === 'download') {
      const verified = await this.lfs.findDownloadable(repo.id, oids);
      if (!offered.includes('basic')) {
        throw new LfsTransferUnsupportedError(offered);
      }
      const objects: LfsBatchObjectResponseDto[] = [];
      for (const object of checked) {
        objects.push('message' in object ? invalid(object) : await this.downloadAnswer(object, verified, baseUrl));
      }
      return { transfer: 'basic', objects, hash_algo: 'sha256' };
    }
    const verified = await this.lfs.findVerifiedMany(oids);
    const missing = valid.filter((object) => !verified.has(object.oid));
    const transfer = this.chooseUploadTransfer(offered, missing);
    // One upload per distinct object, even when a batch names it twice.
    const answered = new Map<string, LfsBatchObjectResponseDto>();
    const objects: LfsBatchObjectResponseDto[] = [];
    for (const object of checked) {
      if ('message' in object) {
        objects.push(invalid(object));
        continue;
      }
      const key = `${object.oid}:${object.size}`;
      let answer = answered.get(key);
      if (answer === undefined) {
        answer = await this.uploadAnswer(repo, user, object, verified, transfer, baseUrl);
        answered.set(key, answer);
      }
      objects.push(answer);
    }
    return { transfer, objects, hash_algo: 'sha256' };
  }

  /** The verify action (`POST …/info/lfs/verify`): needs the same write access as the upload. */
  async verify(user: AuthUser, target: LfsRepoTarget, request: LfsVerifyRequestDto): Promise<void> {
    await findLfsRepo(this.repos, user, target, 'write');
    await this.uploads.verify(request.oid, request.size);
  }

  /**
   * HF-flavour multipart is used for the whole batch when the client offers it and one object is
   * above the threshold (or basic is not offered): HF's git-lfs custom agent, which handles
   * `transfer: "multipart"`, expects `chunk_size` on every object it is given.
   */
  private chooseUploadTransfer(offered: string[], missing: ValidObject[]): LfsTransfer {
    if (!offered.includes('multipart')) {
      return 'basic';
    }
    if (!offered.includes('basic')) {
      return 'multipart';
    }
    return missing.some((object) => object.size > this.policy.multipartThresholdBytes) ? 'multipart' : 'basic';
  }

  private async uploadAnswer(
    repo: RepoRecord,
    user: AuthUser | undefined,
    object: ValidObject,
    verified: Map<string, number>,
    transfer: LfsTransfer,
    baseUrl: string,
  ): Promise<LfsBatchObjectResponseDto> {
    const knownSize = verified.get(object.oid);
    if (knownSize !== undefined) {
      return knownSize === object.size ? { oid: object.oid, size: object.size } : sizeConflict(object, knownSize);
    }
    const result = await this.uploads.createUpload({
      repo,
      userId: user?.id ?? null,
      oid: object.oid,
      size: object.size,
      // An empty object cannot be cut into parts; it is one empty PUT whatever the batch uses.
      transfer: transfer === 'multipart' && object.size > 0 ? 'multipart' : 'basic',
      baseUrl,
    });
    return 'error' in result
      ? { oid: object.oid, size: object.size, error: result.error }
      : { oid: object.oid, size: object.size, authenticated: true, actions: result.actions };
  }

  private async downloadAnswer(
    object: ValidObject,
    verified: Map<string, number>,
    baseUrl: string,
  ): Promise<LfsBatchObjectResponseDto> {
    const knownSize = verified.get(object.oid);
    if (knownSize === undefined) {
      return { oid: object.oid, size: object.size, error: { code: 404, message: 'Object does not exist' } };
    }
    if (knownSize !== object.size) {
      return sizeConflict(object, knownSize);
    }
    const href = await this.lfs.presignDownload(object.oid, { baseUrl });
    return {
      oid: object.oid,
      size: object.size,
      authenticated: true,
      actions: { download: { href, expires_in: this.urls.ttlSeconds } },
    };
  }
}

function invalid(object: { oid: string; size: number; message: string }): LfsBatchObjectResponseDto {
  return { oid: object.oid, size: object.size, error: { code: 422, message: object.message } };
}

function sizeConflict(object: ValidObject, knownSize: number): LfsBatchObjectResponseDto {
  return {
    oid: object.oid,
    size: object.size,
    error: { code: 422, message: `Object ${object.oid} exists with size ${knownSize}, not ${object.size}` },
  };
}
