/** A git-lfs object id: the sha256 of the content as 64 lower-case hex digits (git-lfs spec, pointer grammar). */
export const LFS_OID_PATTERN = /^[0-9a-f]{64}$/;

export function isLfsOid(value: unknown): value is string {
  return typeof value === 'string' && LFS_OID_PATTERN.test(value);
}

/** Where a verified object's bytes live for good: `lfs/ab/cd/<oid>` (architecture D2, shared by every repository). */
export function lfsObjectKey(oid: string): string {
  return `lfs/${oid.slice(0, 2)}/${oid.slice(2, 4)}/${oid}`;
}

/** Where an upload lands until its sha256 and size are proven; nothing under `staging/` is ever served. */
export function lfsStagingKey(uploadId: string): string {
  return `staging/${uploadId}`;
}
