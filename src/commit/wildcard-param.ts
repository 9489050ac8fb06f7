/**
 * A `*name` route segment as one string. Express 5 hands wildcards over as an array of decoded
 * segments, so `refs%2Fpr%2F1` (one segment) and a raw `refs/pr/1` (three) both become `refs/pr/1`.
 */
export function wildcardParam(value: string | string[] | undefined): string {
  if (value === undefined) {
    return '';
  }
  return Array.isArray(value) ? value.join('/') : value;
}
