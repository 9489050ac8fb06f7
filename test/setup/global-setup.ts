import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts one s3rver for the whole run (the S3 contract tests and S3-mode e2e tests share it, each
 * with its own bucket) and names this run so Postgres test databases can be told apart and dropped.
 * Values reach the test workers through the environment, which they inherit.
 */
async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`s3rver exited early with code ${child.exitCode}`);
    }
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((wake) => setTimeout(wake, 100));
    }
  }
  throw new Error(`s3rver did not answer on ${url} within ${timeoutMs} ms`);
}

export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  process.env.TEST_RUN_ID = runId;

  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), 'kohaku-s3rver-'));
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      require.resolve('s3rver/bin/s3rver.js'),
      '-d',
      directory,
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      '-s',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  await waitForHttp(endpoint, child, 20_000);
  process.env.TEST_S3_ENDPOINT = endpoint;
  (globalThis as { __s3rver?: ChildProcess }).__s3rver = child;
  // If jest dies without running the teardown, do not leave the server behind.
  process.once('exit', () => child.kill('SIGTERM'));
}
