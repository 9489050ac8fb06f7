import { createHash } from 'node:crypto';
import { LfsService } from 'src/lfs/lfs.service';

export const MIB = 1024 * 1024;

/** Settings that make objects above `thresholdBytes` upload in 5 MiB parts, so tests exercise multipart with small files. */
export function multipartEnv(thresholdBytes: number): Record<string, string> {
  return {
    KOHAKU_HUB_LFS_MULTIPART_THRESHOLD_BYTES: String(thresholdBytes),
    KOHAKU_HUB_LFS_MULTIPART_CHUNK_BYTES: String(5 * MIB),
  };
}

export function sha256Hex(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The LFS object (oid and size) that `content` is. */
export function lfsObjectOf(content: Buffer): { oid: string; size: number } {
  return { oid: sha256Hex(content), size: content.length };
}

/**
 * The git-lfs pointer text for an object, written out from the spec rather than by the hub's own
 * formatter, so the tests check the hub against the format and not against itself.
 */
export function lfsPointerText(object: { oid: string; size: number }): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${object.oid}\nsize ${object.size}\n`;
}

/** The pointer text a client expects for `content` committed as an LFS file. */
export function lfsPointerOf(content: Buffer): string {
  return lfsPointerText(lfsObjectOf(content));
}

/** The sha256 of the bytes the hub serves for `oid`, read as a stream from its storage. */
export async function storedSha256(lfs: LfsService, oid: string): Promise<string> {
  const { body } = await lfs.openObject(oid);
  const hash = createHash('sha256');
  for await (const chunk of body) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
