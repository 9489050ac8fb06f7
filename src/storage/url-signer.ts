import { Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HubConfig } from 'src/config/hub-config';
import { assertValidExpiry } from 'src/storage/blob-storage';
import { SignedUrlError } from 'src/storage/storage.errors';

export interface SignOptions {
  expiresInSeconds: number;
  /** Extra query parameters bound into the signature (e.g. an upload id or part number). */
  params?: Record<string, string>;
}

const EXPIRES = 'expires';
const SIGNATURE = 'sig';

/**
 * Self-authenticating URLs for what the application serves itself (fs-backed LFS uploads, part
 * uploads and downloads): clients send those requests without credentials (hf-protocol §1.11), so
 * the URL carries an expiry and an HMAC-SHA256 over method, path, expiry and every other query
 * parameter. `path` is the request path as the application sees it, without the query string.
 */
@Injectable()
export class UrlSigner {
  constructor(private readonly config: HubConfig) {}

  /** The query parameters to append to `path`: the bound `params`, `expires` (unix seconds) and `sig`. */
  sign(method: string, path: string, options: SignOptions): URLSearchParams {
    assertValidExpiry(options.expiresInSeconds);
    const params = options.params ?? {};
    for (const name of [EXPIRES, SIGNATURE]) {
      if (name in params) {
        throw new Error(`"${name}" is reserved by UrlSigner and cannot be a bound parameter`);
      }
    }
    const expires = String(Math.floor(Date.now() / 1000) + options.expiresInSeconds);
    const query = new URLSearchParams({ ...params, [EXPIRES]: expires });
    query.set(SIGNATURE, this.signature(method, path, expires, params));
    return query;
  }

  /**
   * Checks a request's query against its method and path and returns the bound parameters.
   * Every query parameter except `sig` is covered, so adding or changing any of them fails.
   * A HEAD request is a different method: pass the method the URL was issued for.
   */
  verify(method: string, path: string, query: Record<string, unknown>): Record<string, string> {
    const { [SIGNATURE]: signature, [EXPIRES]: expires, ...rest } = query;
    if (typeof signature !== 'string' || typeof expires !== 'string' || !/^\d{1,12}$/.test(expires)) {
      throw new SignedUrlError('missing signature or expiry');
    }
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(rest)) {
      if (typeof value !== 'string') {
        throw new SignedUrlError(`parameter "${name}" is repeated or malformed`);
      }
      params[name] = value;
    }
    const expected = Buffer.from(this.signature(method, path, expires, params));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new SignedUrlError('signature does not match this request');
    }
    if (Number(expires) * 1000 <= Date.now()) {
      throw new SignedUrlError('expired');
    }
    return params;
  }

  private signature(method: string, path: string, expires: string, params: Record<string, string>): string {
    const bound = Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // JSON keeps the fields unambiguous: no separator inside a path or value can shift a boundary.
    const payload = JSON.stringify([method.toUpperCase(), path, expires, bound]);
    return createHmac('sha256', this.config.secrets.urlSigningSecret).update(payload).digest('base64url');
  }
}
