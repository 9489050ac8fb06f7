import { Request, Response } from 'express';
import { publicBaseUrl } from 'src/auth/public-url';
import { BadRequestError } from 'src/common/errors/hub-error';
import { HubConfig } from 'src/config/hub-config';

/**
 * Where the next page of a listing starts. The commit the first page resolved is pinned, so a
 * branch that moves while a client pages through it never makes entries repeat or go missing.
 */
export interface PageCursor {
  commitSha: string;
  /** What the listing continues from: the last path listed (tree) or a count of commits (history). */
  position: string;
}

/** One page of a listing: the items and, when the listing goes on, the cursor of the next page. */
export interface Page<T> {
  items: T[];
  next: PageCursor | null;
  /** Sent as `X-Total-Count` when known (commit history). */
  totalCount?: number;
}

const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** Room for a commit id and the longest repository path (4 KiB), base64-encoded. */
export const MAX_CURSOR_LENGTH = 6000;
/** Far beyond any real history; keeps the number a safe integer for git's `--skip`. */
const MAX_OFFSET = 1_000_000_000;

/** Opaque to clients (they follow `Link` verbatim): base64url of `<commit>:<position>`. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(`${cursor.commitSha}:${cursor.position}`, 'utf8').toString('base64url');
}

function invalidCursor(): BadRequestError {
  return new BadRequestError('Invalid pagination cursor: use the URL of the Link header as it was given');
}

/** The cursor a `Link` handed out, or `BadRequestError` for anything else. */
export function decodeCursor(raw: string): PageCursor {
  const text = raw.length <= MAX_CURSOR_LENGTH ? Buffer.from(raw, 'base64url').toString('utf8') : '';
  const colon = text.indexOf(':');
  const cursor = { commitSha: text.slice(0, Math.max(0, colon)), position: text.slice(colon + 1) };
  if (colon < 0 || !COMMIT_SHA.test(cursor.commitSha) || cursor.position === '' || cursor.position.includes('\0')) {
    throw invalidCursor();
  }
  return cursor;
}

/** The position of a history cursor: how many commits earlier pages listed. */
export function cursorOffset(cursor: PageCursor): number {
  const offset = /^\d{1,10}$/.test(cursor.position) ? Number(cursor.position) : Number.NaN;
  if (!(offset <= MAX_OFFSET)) {
    throw invalidCursor();
  }
  return offset;
}

/**
 * The absolute URL of the next page: the request's own path and query on the host the client
 * called (or the configured public URL), with `cursor` replaced. The path is kept exactly as it
 * arrived, so percent-encoded revisions stay encoded.
 */
export function nextPageUrl(
  request: Request,
  config: Pick<HubConfig, 'baseUrl' | 'trustProxy'>,
  cursor: PageCursor,
): string {
  const original = request.originalUrl;
  const queryStart = original.indexOf('?');
  const path = queryStart < 0 ? original : original.slice(0, queryStart);
  const query = new URLSearchParams(queryStart < 0 ? '' : original.slice(queryStart + 1));
  query.delete('cursor');
  query.set('cursor', encodeCursor(cursor));
  return `${publicBaseUrl(request, config)}${path}?${query.toString()}`;
}

/**
 * Writes the pagination headers of a page (`Link: <…>; rel="next"` in the exact form both clients
 * parse, and `X-Total-Count`) and returns the items as the response body.
 */
export function sendPage<T>(
  request: Request,
  response: Response,
  config: Pick<HubConfig, 'baseUrl' | 'trustProxy'>,
  page: Page<T>,
): T[] {
  if (page.next !== null) {
    response.setHeader('Link', `<${nextPageUrl(request, config, page.next)}>; rel="next"`);
  }
  if (page.totalCount !== undefined) {
    response.setHeader('X-Total-Count', String(page.totalCount));
  }
  return page.items;
}
