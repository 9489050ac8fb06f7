import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHubConfig } from 'src/config/hub-config';
import { LfsTransferPolicy, MAX_MULTIPART_PARTS } from 'src/lfs/lfs-transfer-policy';

const MIB = 1024 * 1024;

function policyFor(env: Record<string, string> = {}): LfsTransferPolicy {
  return new LfsTransferPolicy(
    loadHubConfig({ KOHAKU_HUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'kohaku-lfs-policy-')), ...env }),
  );
}

describe(LfsTransferPolicy.name, () => {
  it('should use the configured chunk size for ordinary objects', () => {
    expect(policyFor().chunkSizeFor(100 * MIB)).toBe(16 * MIB);
    expect(policyFor({ KOHAKU_HUB_LFS_MULTIPART_CHUNK_BYTES: String(8 * MIB) }).chunkSizeFor(100 * MIB)).toBe(8 * MIB);
  });

  it('should refuse a configured chunk size under the 5 MiB part size S3 requires', () => {
    expect(() => policyFor({ KOHAKU_HUB_LFS_MULTIPART_CHUNK_BYTES: String(MIB) })).toThrow(
      /KOHAKU_HUB_LFS_MULTIPART_CHUNK_BYTES/,
    );
  });

  it('should grow the chunk so that no object needs more than 10,000 parts', () => {
    const size = 500 * 1024 * MIB;
    const chunk = policyFor().chunkSizeFor(size);
    expect(Math.ceil(size / chunk)).toBeLessThanOrEqual(MAX_MULTIPART_PARTS);
    expect(chunk % MIB).toBe(0);
  });

  it('should take the multipart threshold and batch limit from the configuration', () => {
    const policy = policyFor({
      KOHAKU_HUB_LFS_MULTIPART_THRESHOLD_BYTES: String(8 * MIB),
      KOHAKU_HUB_LFS_MAX_BATCH_OBJECTS: '7',
    });
    expect(policy.multipartThresholdBytes).toBe(8 * MIB);
    expect(policy.maxObjectsPerBatch).toBe(7);
  });
});
