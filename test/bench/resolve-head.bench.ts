/**
 * `HEAD /{ns}/{name}/resolve/main/{path}` throughput at 32 concurrent keep-alive clients, next to
 * the app's own `GET /health` in the same run (the target is at least 50 % of its requests/s),
 * with p50 and p99 latencies. `hf_hub_download` and `snapshot_download` send one such HEAD per
 * file, so this is the hot path of every download.
 *
 * The hub runs as a child process (`node src/main.js`, SQLite, fs storage, logging off), the load
 * comes from this process. /health, `/api/version` (no I/O at all, the HTTP stack's own ceiling)
 * and the HEAD variants are measured in alternating rounds so a busy machine weighs on all of
 * them alike; the median round of each is reported.
 *
 * Run (from the repository root; `--seconds` per round defaults to 5, `--rounds` to 3,
 * `--concurrency` to 32):
 *
 *   npm run bench -- resolve-head --rounds 3 --seconds 5
 *
 * It prints figures only and asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitLines, createModelRepo, fileLine, startHubProcess, writeToken } from 'test/bench/bench-hub';
import { median, option } from 'test/bench/bench-utils';

interface Target {
  label: string;
  method: 'GET' | 'HEAD';
  path: string;
  headers?: Record<string, string>;
}

interface RoundResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

/** One request on a keep-alive socket; resolves with its status once the response is fully read. */
function send(agent: Agent, base: URL, target: Target): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: target.method,
        path: target.path,
        headers: target.headers,
      },
      (incoming) => {
        incoming.resume();
        incoming.on('end', () => resolve(incoming.statusCode ?? 0));
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** `concurrency` clients sending `target` back to back for `seconds`. */
async function round(url: string, target: Target, concurrency: number, seconds: number): Promise<RoundResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const base = new URL(url);
  const latencies: number[] = [];
  let failures = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(seconds) * 1_000_000_000n;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (process.hrtime.bigint() < deadline) {
        const sent = process.hrtime.bigint();
        const status = await send(agent, base, target).catch(() => 0);
        latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
        if (status !== 200) {
          failures += 1;
        }
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: latencies.length / elapsed,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    failures,
  };
}

async function main(): Promise<void> {
  const seconds = option('seconds', 5);
  const rounds = option('rounds', 3);
  const concurrency = option('concurrency', 32);
  const dataDir = mkdtempSync(join(tmpdir(), 'kohaku-resolve-bench-'));
  const hub = await startHubProcess(dataDir);
  try {
    const token = await writeToken(hub.url, 'bench');
    await createModelRepo(hub.url, token, 'files');
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${randomBytes(32).toString('hex')}\nsize 123456789\n`;
    await commitLines(hub.url, token, 'bench/files', [
      fileLine('config.json', Buffer.from('{"hidden_size": 768, "num_layers": 12}\n')),
      fileLine('tokenizer.txt', randomBytes(256 * 1024)),
      // A pointer committed as a plain file still reads as an LFS file on resolve: that path is timed too.
      fileLine('weights/model.bin', Buffer.from(pointer)),
    ]);
    const targets: Target[] = [
      { label: 'GET /health', method: 'GET', path: '/health' },
      // No I/O at all: the ceiling of the HTTP stack itself, for scale.
      { label: 'GET /api/version', method: 'GET', path: '/api/version' },
      { label: 'HEAD resolve, small file', method: 'HEAD', path: '/bench/files/resolve/main/config.json' },
      { label: 'HEAD resolve, 256 KiB file', method: 'HEAD', path: '/bench/files/resolve/main/tokenizer.txt' },
      { label: 'HEAD resolve, LFS pointer', method: 'HEAD', path: '/bench/files/resolve/main/weights/model.bin' },
      {
        label: 'HEAD resolve, small file, with token',
        method: 'HEAD',
        path: '/bench/files/resolve/main/config.json',
        headers: { Authorization: `Bearer ${token}` },
      },
    ];
    for (const target of targets) {
      const check = await fetch(`${hub.url}${target.path}`, { method: target.method, headers: target.headers });
      if (check.status !== 200) {
        throw new Error(`${target.label} answered ${check.status}`);
      }
      await round(hub.url, target, concurrency, 1);
    }
    console.log(
      `resolve HEAD benchmark: ${concurrency} concurrent keep-alive clients, ${rounds} round(s) of ${seconds} s per target`,
    );
    const results = new Map<string, RoundResult[]>(targets.map((target) => [target.label, []]));
    for (let roundNumber = 1; roundNumber <= rounds; roundNumber += 1) {
      for (const target of targets) {
        const result = await round(hub.url, target, concurrency, seconds);
        results.get(target.label)?.push(result);
        console.log(
          `round ${roundNumber} ${target.label}: ${result.requestsPerSecond.toFixed(0)} req/s, ` +
            `p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms` +
            (result.failures > 0 ? `, ${result.failures} non-200` : ''),
        );
      }
    }
    const healthRate = median((results.get('GET /health') ?? []).map((result) => result.requestsPerSecond));
    console.log('median of rounds:');
    for (const target of targets) {
      const list = results.get(target.label) ?? [];
      const rate = median(list.map((result) => result.requestsPerSecond));
      console.log(
        `  ${target.label}: ${rate.toFixed(0)} req/s (${((rate / healthRate) * 100).toFixed(0)} % of /health), ` +
          `p50 ${median(list.map((result) => result.p50Ms)).toFixed(1)} ms, ` +
          `p99 ${median(list.map((result) => result.p99Ms)).toFixed(1)} ms`,
      );
    }
    console.log('target: HEAD resolve >= 50 % of /health');
  } finally {
    await hub.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
