const MIB = 1024 * 1024;

/** Settings that make objects above `thresholdBytes` upload in 5 MiB parts, so tests exercise multipart with small files. */
export function multipartEnv(thresholdBytes: number): Record<string, string> {
  return {
    KOHAKU_HUB_LFS_MULTIPART_THRESHOLD_BYTES: String(thresholdBytes),
    KOHAKU_HUB_LFS_MULTIPART_CHUNK_BYTES: String(5 * MIB),
  };
}
