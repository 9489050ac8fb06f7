/**
 * What the benchmarks in this folder share: command-line options, timing and medians, an in-process
 * hub with one writer and its repositories, large random files, and signed LFS upload URLs.
 * Not a benchmark itself: run.sh runs only `<name>.bench.ts` files.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { promisify } from 'node:util';
import { ACCOUNT_TEST_ENV, apiToken, newAccount } from 'test/utils/accounts';
import { MIB } from 'test/utils/lfs';
import { createTestHub, TestHub } from 'test/utils/test-hub';

export const run = promisify(execFile);

/** `--<name> <positive integer>` from the command line, or `fallback`. */
export function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index < 0 ? fallback : Number(process.argv[index + 1]);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`--${name} must be a positive integer`);
  }
  return value;
}

/** `--<name> <text>` from the command line, or `fallback`. */
export function textOption(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : (process.argv[index + 1] ?? fallback);
}

/** Runs `work` and measures its wall-clock time. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { value, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** The middle value (the upper one of the two middles for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A test hub with the account settings plus `env`, and the write token of its one user, `bench`. */
export async function createBenchHub(env: Record<string, string> = {}): Promise<{ hub: TestHub; token: string }> {
  const hub = await createTestHub({ env: { ...ACCOUNT_TEST_ENV, ...env } });
  try {
    return { hub, token: await apiToken(hub, await newAccount(hub, 'bench'), 'write') };
  } catch (error) {
    await hub.close();
    throw error;
  }
}

/** Creates the model repository `bench/<name>` over HTTP, as a client would. */
export async function createBenchRepo(hub: TestHub, token: string, name: string): Promise<void> {
  const created = await fetch(`${hub.url}/api/repos/create`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (!created.ok) {
    throw new Error(`repo create failed: ${created.status} ${await created.text()}`);
  }
}

/** Writes `bytes` random bytes to `path` as a stream (random 16 MiB blocks repeated), never holding the file in memory. */
export async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  const block = randomBytes(16 * MIB);
  for (let written = 0; written < bytes; written += block.length) {
    if (!out.write(block.subarray(0, Math.min(block.length, bytes - written)))) {
      await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
}

/** Asks the LFS batch API of `repoId` for a basic upload of one object and answers the signed PUT URL. */
export async function basicUploadHref(
  hubUrl: string,
  token: string,
  repoId: string,
  object: { oid: string; size: number },
): Promise<string> {
  const batch = await fetch(`${hubUrl}/${repoId}.git/info/lfs/objects/batch`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/vnd.git-lfs+json' },
    body: JSON.stringify({ operation: 'upload', transfers: ['basic'], objects: [object] }),
  });
  const answer = (await batch.json()) as { objects: { actions?: { upload?: { href: string } } }[] };
  const href = answer.objects[0].actions?.upload?.href;
  if (href === undefined) {
    throw new Error(`batch gave no upload action: ${JSON.stringify(answer)}`);
  }
  return href;
}
