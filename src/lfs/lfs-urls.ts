import { Injectable } from '@nestjs/common';
import { HubConfig } from 'src/config/hub-config';
import { UrlSigner } from 'src/storage/url-signer';

/**
 * Route paths the application serves for fs-backed transfers. Each has at least five segments so
 * it can never be taken for a repository route of the `/api/{type}s/{ns}/{name}` shape.
 */
export const LFS_UPLOAD_ROUTE = 'api/lfs/uploads/:uploadId/content';
export const LFS_PART_ROUTE = 'api/lfs/uploads/:uploadId/parts/:partNumber';
export const LFS_COMPLETE_ROUTE = 'api/lfs/uploads/:uploadId/complete';
export const LFS_VERIFY_ROUTE = 'api/lfs/uploads/:uploadId/verify';
export const LFS_DOWNLOAD_ROUTE = 'api/lfs/objects/:oid/content';

export function lfsUploadPath(uploadId: string): string {
  return `/api/lfs/uploads/${uploadId}/content`;
}

export function lfsPartPath(uploadId: string, partNumber: number): string {
  return `/api/lfs/uploads/${uploadId}/parts/${partNumber}`;
}

export function lfsCompletePath(uploadId: string): string {
  return `/api/lfs/uploads/${uploadId}/complete`;
}

export function lfsVerifyPath(uploadId: string): string {
  return `/api/lfs/uploads/${uploadId}/verify`;
}

export function lfsDownloadPath(oid: string): string {
  return `/api/lfs/objects/${oid}/content`;
}

/**
 * Builds the hrefs of batch actions. Transfer URLs are self-authenticating (the clients send them
 * no credentials, hf-protocol §0.11): an HMAC over method, path, expiry and bound parameters. The
 * signature covers the path as the application sees it; `baseUrl` (the host and any proxy prefix
 * the client used) is only prepended.
 */
@Injectable()
export class LfsUrls {
  constructor(
    private readonly signer: UrlSigner,
    private readonly config: HubConfig,
  ) {}

  get ttlSeconds(): number {
    return this.config.storage.signedUrlTtlSeconds;
  }

  upload(baseUrl: string, uploadId: string, oid: string, size: number): string {
    return this.signed(baseUrl, 'PUT', lfsUploadPath(uploadId), { oid, size: String(size) });
  }

  part(baseUrl: string, uploadId: string, partNumber: number): string {
    return this.signed(baseUrl, 'PUT', lfsPartPath(uploadId, partNumber), {});
  }

  complete(baseUrl: string, uploadId: string): string {
    return this.signed(baseUrl, 'POST', lfsCompletePath(uploadId), {});
  }

  download(baseUrl: string, oid: string, filename: string | undefined, expiresInSeconds: number): string {
    return this.signed(
      baseUrl,
      'GET',
      lfsDownloadPath(oid),
      filename === undefined ? {} : { filename },
      expiresInSeconds,
    );
  }

  /**
   * The verify action of one upload. git-lfs sends no credentials to actions of objects marked
   * `authenticated`, so it is signed like the transfer URLs, bound to the object it verifies.
   */
  verify(baseUrl: string, uploadId: string, oid: string, size: number): string {
    return this.signed(baseUrl, 'POST', lfsVerifyPath(uploadId), { oid, size: String(size) });
  }

  private signed(
    baseUrl: string,
    method: string,
    path: string,
    params: Record<string, string>,
    expiresInSeconds = this.ttlSeconds,
  ): string {
    const query = this.signer.sign(method, path, { expiresInSeconds, params });
    return `${baseUrl}${path}?${query.toString()}`;
  }
}
