/**
 * `git clone` of one generated repository (5,000 files over 200 commits by default) through the
 * hub and through `git http-backend`, serving the same bare repository in the same run; prints
 * the median times and their ratio (the target is the hub within 1.2x of http-backend).
 *
 * http-backend runs as git ships it: a CGI program, started per request by a tiny Node HTTP
 * server in this process with the standard CGI environment. The hub runs in this process too,
 * so both servers share the event loop the same way, and every clone is a separate `git`
 * process. Clones alternate between the servers to spread any drift evenly.
 *
 * Run (from the repository root; `--files` defaults to 5000, `--commits` to 200, `--runs` to 5;
 * `--checkout` also writes the working tree):
 *
 *   rm -rf .tmpbuild-bench && npx tsc -p tsconfig.json --outDir .tmpbuild-bench \
 *     && NODE_PATH=.tmpbuild-bench node .tmpbuild-bench/test/bench/git-clone.bench.js --runs 5; \
 *     rm -rf .tmpbuild-bench
 *
 * It prints figures only and asserts nothing.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { GitRepoStore } from 'src/git/git-repo-store';
import { RepoService } from 'src/repo/repo.service';
import { createRepo, newWriter } from 'test/e2e/commit-helpers';
import { ACCOUNT_TEST_ENV } from 'test/utils/accounts';
import { createTestHub } from 'test/utils/test-hub';

const run = promisify(execFile);

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index < 0 ? fallback : Number(process.argv[index + 1]);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`--${name} must be a positive integer`);
  }
  return value;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * fast-import commands for `commits` commits that together add `files` text files (about 1 KiB
 * each, in 50 folders) and touch a changelog in every commit, so the history has real deltas.
 */
function* historyStream(files: number, commits: number): Generator<Buffer> {
  const perCommit = Math.ceil(files / commits);
  let written = 0;
  for (let commit = 0; commit < commits; commit++) {
    const seconds = 1_700_000_000 + commit * 60;
    const message = `Commit ${commit + 1}\n`;
    const lines = [
      'commit refs/heads/main',
      `author Bench <bench@example.com> ${seconds} +0000`,
      `committer Bench <bench@example.com> ${seconds} +0000`,
      `data ${Buffer.byteLength(message)}`,
      message,
    ];
    yield Buffer.from(`${lines.join('\n')}`);
    const changelog = Buffer.from(
      Array.from({ length: commit + 1 }, (_, line) => `- change ${line + 1}: ${'x'.repeat(40)}\n`).join(''),
    );
    yield Buffer.from(`M 100644 inline CHANGELOG.md\ndata ${changelog.length}\n`);
    yield changelog;
    yield Buffer.from('\n');
    for (let index = 0; index < perCommit && written < files; index++, written++) {
      const content = Buffer.from(`file ${written}\n${randomBytes(384).toString('hex')}\n`);
      yield Buffer.from(`M 100644 inline folder-${written % 50}/file-${written}.txt\ndata ${content.length}\n`);
      yield content;
      yield Buffer.from('\n');
    }
  }
  yield Buffer.from('done\n');
}

async function generateHistory(gitDir: string, files: number, commits: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', [`--git-dir=${gitDir}`, 'fast-import', '--quiet', '--force', '--done'], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited with ${code}`))));
    Readable.from(historyStream(files, commits)).pipe(child.stdin);
  });
  // One well-packed repository, as a repository that has seen `git gc` looks, served by both.
  await run('git', [`--git-dir=${gitDir}`, 'repack', '-a', '-d', '-f', '-q']);
}

/** The header block of a CGI response: `Status:` becomes the status code, the rest are headers. */
function parseCgiHeaders(block: string): { status: number; headers: [string, string][] } {
  let status = 200;
  const headers: [string, string][] = [];
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) {
      continue;
    }
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') {
      status = Number.parseInt(value, 10);
    } else {
      headers.push([name, value]);
    }
  }
  return { status, headers };
}

/** `git http-backend` behind a minimal CGI gateway, serving `projectRoot`. */
function startHttpBackend(projectRoot: string): Promise<Server> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: projectRoot,
      GATEWAY_INTERFACE: 'CGI/1.1',
      REQUEST_METHOD: request.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      REMOTE_ADDR: request.socket.remoteAddress ?? '127.0.0.1',
      SERVER_PROTOCOL: 'HTTP/1.1',
      ...(request.headers['content-type'] ? { CONTENT_TYPE: request.headers['content-type'] } : {}),
      ...(request.headers['content-length'] ? { CONTENT_LENGTH: request.headers['content-length'] } : {}),
      ...(request.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: request.headers['content-encoding'] } : {}),
      ...(typeof request.headers['git-protocol'] === 'string' ? { GIT_PROTOCOL: request.headers['git-protocol'] } : {}),
    };
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    request.pipe(child.stdin);
    child.stdin.on('error', () => undefined);
    let head = Buffer.alloc(0);
    let isBody = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (isBody) {
        if (!response.write(chunk)) {
          child.stdout.pause();
          response.once('drain', () => child.stdout.resume());
        }
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n') >= 0 ? head.indexOf('\r\n\r\n') + 4 : head.indexOf('\n\n') + 2;
      if (end < 2) {
        return;
      }
      const { status, headers } = parseCgiHeaders(head.subarray(0, end).toString('latin1'));
      response.writeHead(status, headers);
      isBody = true;
      if (end < head.length) {
        response.write(head.subarray(end));
      }
    });
    child.stdout.on('end', () => response.end());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function timeClone(url: string, target: string, isCheckout: boolean): Promise<number> {
  const started = process.hrtime.bigint();
  await run('git', ['clone', '--quiet', ...(isCheckout ? [] : ['--no-checkout']), url, target], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dirname(target),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_LFS_SKIP_SMUDGE: '1',
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(target, { recursive: true, force: true });
  return seconds;
}

async function main(): Promise<void> {
  const files = option('files', 5000);
  const commits = option('commits', 200);
  const runs = option('runs', 5);
  const isCheckout = process.argv.includes('--checkout');
  const workDir = mkdtempSync(join(tmpdir(), 'kohaku-git-clone-bench-'));
  const hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
  let backend: Server | undefined;
  try {
    const writer = await newWriter(hub, 'bench');
    await createRepo(hub, writer.token, 'bench/big');
    const record = await hub.app.get(RepoService).findRepo('model', 'bench', 'big');
    const gitDir = hub.app.get(GitRepoStore).pathFor(record.storageId);
    const generated = process.hrtime.bigint();
    await generateHistory(gitDir, files, commits);
    const { stdout: count } = await run('git', [`--git-dir=${gitDir}`, 'ls-tree', '-r', '--name-only', 'main']);
    const { stdout: depth } = await run('git', [`--git-dir=${gitDir}`, 'rev-list', '--count', 'main']);
    const { stdout: size } = await run('git', [`--git-dir=${gitDir}`, 'count-objects', '-vH']);
    console.log(
      `repository: ${count.trim().split('\n').length} files, ${depth.trim()} commits, ` +
        `${/size-pack: (.*)/.exec(size)?.[1] ?? '?'} packed (generated in ` +
        `${(Number(process.hrtime.bigint() - generated) / 1e9).toFixed(1)} s)`,
    );

    backend = await startHttpBackend(dirname(gitDir));
    const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/${basename(gitDir)}`;
    const hubUrl = `${hub.url}/bench/big`;

    // One untimed clone each warms the page cache and both code paths.
    await timeClone(hubUrl, join(workDir, 'warm-hub'), isCheckout);
    await timeClone(backendUrl, join(workDir, 'warm-backend'), isCheckout);
    const hubTimes: number[] = [];
    const backendTimes: number[] = [];
    for (let index = 0; index < runs; index++) {
      const order = index % 2 === 0 ? ['hub', 'backend'] : ['backend', 'hub'];
      for (const which of order) {
        const seconds = await timeClone(
          which === 'hub' ? hubUrl : backendUrl,
          join(workDir, `${which}-${index}`),
          isCheckout,
        );
        (which === 'hub' ? hubTimes : backendTimes).push(seconds);
      }
    }
    const hubMedian = median(hubTimes);
    const backendMedian = median(backendTimes);
    const mode = isCheckout ? 'with checkout' : '--no-checkout';
    console.log(`git clone (${mode}), ${runs} runs each, protocol v2`);
    console.log(`  hub            median ${hubMedian.toFixed(3)} s  (${hubTimes.map((t) => t.toFixed(3)).join(', ')})`);
    console.log(
      `  http-backend   median ${backendMedian.toFixed(3)} s  (${backendTimes.map((t) => t.toFixed(3)).join(', ')})`,
    );
    console.log(`  ratio hub / http-backend: ${(hubMedian / backendMedian).toFixed(2)}x (target ≤ 1.20x)`);
  } finally {
    await new Promise<void>((resolve) => (backend ? backend.close(() => resolve()) : resolve()));
    await hub.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
