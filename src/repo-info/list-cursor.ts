import { BadRequestError } from 'src/common/errors/hub-error';
import { ListPosition, ListSortKey } from 'src/repo-info/repo-index.repository';

/** What a cursor holds: the order it belongs to and the last row of the page before. */
interface CursorPayload {
  s: ListSortKey;
  a: boolean;
  v?: string | number;
  i: number;
}

/** An opaque `cursor` for the next page (base64url JSON; it grants nothing, so it is not signed). */
export function encodeCursor(sort: ListSortKey, isAscending: boolean, position: ListPosition): string {
  const payload: CursorPayload = { s: sort, a: isAscending, i: position.id };
  if (position.value !== undefined) {
    payload.v = position.value;
  }
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** The position a cursor points at; a 400 when it is malformed or was made for another order. */
export function decodeCursor(cursor: string, sort: ListSortKey, isAscending: boolean): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BadRequestError('Invalid cursor: use the URL of the Link header as it is');
  }
  const payload = parsed as Partial<CursorPayload>;
  const isValueValid =
    sort === 'createdAt'
      ? payload.v === undefined
      : sort === 'lastModified'
        ? typeof payload.v === 'string' && payload.v.length <= 64
        : typeof payload.v === 'number' && Number.isSafeInteger(payload.v);
  if (!Number.isSafeInteger(payload.i) || !isValueValid || payload.s !== sort || payload.a !== isAscending) {
    throw new BadRequestError('Invalid cursor: it does not belong to this sort order');
  }
  return { id: payload.i as number, ...(payload.v === undefined ? {} : { value: payload.v }) };
}
