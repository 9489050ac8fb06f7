/**
 * LFS upload throughput through the fs store's signed URL, next to the floor of one hashing pass.
 *
 * The hub must hash every uploaded byte (it refuses content that does not match its oid) and write
 * it to disk, so one `openssl dgst -sha256` of the same file is the fastest an upload can possibly
 * be; the target is at least 50 % of that throughput. The upload is sent by `curl` from its own
 * process, so the client does not share the hub's event loop.
 *
 * Run (from the repository root; `--size-mib` defaults to 1024, `--runs` to 3):
 *
 *   npm run bench -- lfs-upload --size-mib 1024 --runs 3
 *
 * It prints figures only and asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LfsService } from 'src/lfs/lfs.service';
import { BlobStorage } from 'src/storage/blob-storage';
import {
  basicUploadHref,
  createBenchHub,
  createBenchRepo,
  median,
  option,
  run,
  textOption,
  timed,
  writeRandomFile,
} from 'test/bench/bench-utils';
import { MIB } from 'test/utils/lfs';

/** Makes the file a new object for this run without rewriting it (the upload of a known oid is skipped). */
async function stamp(path: string, runNumber: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.write(randomBytes(32), 0, 32, runNumber * 4096);
  } finally {
    await handle.close();
  }
}

async function opensslSha256(path: string): Promise<string> {
  const { stdout } = await run('openssl', ['dgst', '-sha256', '-r', path]);
  return stdout.split(' ')[0];
}

function mibPerSecond(bytes: number, elapsed: number): string {
  return `${(bytes / MIB / elapsed).toFixed(0)} MiB/s`;
}

async function main(): Promise<void> {
  const size = option('size-mib', 1024) * MIB;
  const runs = option('runs', 3);
  const workDir = mkdtempSync(join(tmpdir(), 'kohaku-lfs-bench-'));
  const dataDir = mkdtempSync(join(textOption('data-dir', tmpdir()), 'kohaku-lfs-bench-data-'));
  const { hub, token } = await createBenchHub({ KOHAKU_HUB_DATA_DIR: dataDir });
  try {
    await createBenchRepo(hub, token, 'weights');
    const file = join(workDir, 'object.bin');
    await writeRandomFile(file, size);
    console.log(`LFS upload benchmark: ${size / MIB} MiB through the fs signed URL, ${runs} run(s)`);

    const ratios: number[] = [];
    for (let runNumber = 1; runNumber <= runs; runNumber += 1) {
      await stamp(file, runNumber);
      // The first pass warms the page cache, so both measurements below read the file from memory.
      await opensslSha256(file);
      const hashed = await timed(() => opensslSha256(file));
      const oid = hashed.value;
      // What the storage itself costs: the same bytes copied into the hub's data folder.
      const copy = join(dataDir, 'write-floor.bin');
      const written = await timed(() => run('cp', [file, copy]));
      rmSync(copy);

      const href = await basicUploadHref(hub.url, token, 'bench/weights', { oid, size });
      const uploaded = await timed(() =>
        run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-T', file, href], { maxBuffer: MIB }),
      );
      if (uploaded.value.stdout !== '200') {
        throw new Error(`upload answered ${uploaded.value.stdout}`);
      }
      const registered = await hub.app.get(LfsService).findVerified(oid);
      if (registered?.size !== size) {
        throw new Error('the uploaded object was not registered');
      }
      // Runs stay comparable: each writes into space the previous one gave back, as the floor copy does.
      await hub.app.get(BlobStorage).delete(`lfs/${oid.slice(0, 2)}/${oid.slice(2, 4)}/${oid}`);
      const ratio = hashed.seconds / uploaded.seconds;
      ratios.push(ratio);
      console.log(
        `run ${runNumber}: openssl dgst -sha256 ${hashed.seconds.toFixed(2)} s (${mibPerSecond(size, hashed.seconds)}), ` +
          `cp into the data folder ${written.seconds.toFixed(2)} s (${mibPerSecond(size, written.seconds)}), ` +
          `upload + verify ${uploaded.seconds.toFixed(2)} s (${mibPerSecond(size, uploaded.seconds)}): ` +
          `${(ratio * 100).toFixed(0)} % of the hashing floor`,
      );
    }
    console.log(
      `upload throughput vs openssl dgst -sha256: best ${(Math.max(...ratios) * 100).toFixed(0)} %, ` +
        `median ${(median(ratios) * 100).toFixed(0)} % (target >= 50 %)`,
    );
  } finally {
    await hub.close();
    rmSync(workDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
