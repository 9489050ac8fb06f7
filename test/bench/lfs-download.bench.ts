/**
 * GET of a large LFS file through resolve in `proxy` mode (the hub streams it from fs storage),
 * next to nginx serving the very same blob file from disk in the same run (the target is at least
 * 80 % of nginx's throughput), and the hub's peak resident memory during its download (the target
 * is under 200 MB: the file streams, it is never buffered).
 *
 * The hub runs as a child process (`node src/main.js`, SQLite, fs storage, logging off) so its RSS
 * can be read from /proc; it is restarted after the upload so the figures describe downloads. nginx (one worker, sendfile on, as Debian's nginx-light installs it) is
 * started from a generated configuration in a temporary folder as a non-daemon child. Both are
 * downloaded by `curl` into /dev/null, alternately, after one warm-up download each so both read
 * the file from the page cache.
 *
 * Run (from the repository root; `--size-mib` defaults to 1024, `--runs` to 3):
 *
 *   npm run bench -- lfs-download --size-mib 1024 --runs 3
 *
 * It prints figures only and asserts nothing.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitLines, createModelRepo, freePort, HubProcess, startHubProcess, writeToken } from 'test/bench/bench-hub';
import { basicUploadHref, median, option, run, textOption, writeRandomFile } from 'test/bench/bench-utils';
import { MIB } from 'test/utils/lfs';

/** Uploads `file` through the LFS batch API (a bare PUT by curl) and commits it as `path`. */
async function uploadLfsFile(hub: HubProcess, token: string, file: string, path: string): Promise<string> {
  const { stdout } = await run('openssl', ['dgst', '-sha256', '-r', file]);
  const oid = stdout.split(' ')[0];
  const size = Number((await run('stat', ['-c', '%s', file])).stdout.trim());
  const href = await basicUploadHref(hub.url, token, 'bench/weights', { oid, size });
  const uploaded = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-T', file, href]);
  if (uploaded.stdout !== '200') {
    throw new Error(`upload answered ${uploaded.stdout}`);
  }
  await commitLines(hub.url, token, 'bench/weights', [{ key: 'lfsFile', value: { path, algo: 'sha256', oid, size } }]);
  return oid;
}

/** nginx serving `root` on a free port, with one worker and its files in `workDir`. */
async function startNginx(workDir: string, root: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  for (const folder of ['logs', 'temp']) {
    mkdirSync(join(workDir, folder), { recursive: true });
  }
  const config = join(workDir, 'nginx.conf');
  writeFileSync(
    config,
    [
      'daemon off;',
      'worker_processes 1;',
      // Workers read the hub's blob files; as root, nginx would otherwise switch them to "nobody".
      ...(process.getuid?.() === 0 ? ['user root;'] : []),
      `pid ${join(workDir, 'nginx.pid')};`,
      `error_log ${join(workDir, 'logs', 'error.log')} warn;`,
      'events { worker_connections 64; }',
      'http {',
      '  access_log off;',
      '  sendfile on;',
      '  tcp_nopush on;',
      `  client_body_temp_path ${join(workDir, 'temp')};`,
      `  proxy_temp_path ${join(workDir, 'temp')};`,
      `  fastcgi_temp_path ${join(workDir, 'temp')};`,
      `  uwsgi_temp_path ${join(workDir, 'temp')};`,
      `  scgi_temp_path ${join(workDir, 'temp')};`,
      '  default_type application/octet-stream;',
      `  server { listen 127.0.0.1:${port}; root ${root}; }`,
      '}',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(textOption('nginx', '/usr/sbin/nginx'), ['-p', workDir, '-c', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt += 1) {
    if (child.exitCode !== null || attempt > 100) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start: ${errors}`);
    }
    try {
      await fetch(`${url}/`);
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGQUIT');
        await once(child, 'exit');
      }
    },
  };
}

interface Download {
  seconds: number;
  bytes: number;
}

/** `curl` into /dev/null; fails unless the answer is a 200 of `expectedBytes` bytes. */
async function download(url: string, expectedBytes: number): Promise<Download> {
  const { stdout } = await run('curl', [
    '-sS',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code} %{size_download} %{time_total}',
    url,
  ]);
  const [status, bytes, seconds] = stdout.trim().split(' ');
  if (status !== '200' || Number(bytes) !== expectedBytes) {
    throw new Error(`${url} answered ${status} with ${bytes} bytes`);
  }
  return { seconds: Number(seconds), bytes: Number(bytes) };
}

/** Runs `work` while sampling the hub's VmRSS every 20 ms; resolves with the result and the highest sample. */
async function sampleRss<T>(hub: HubProcess, work: () => Promise<T>): Promise<{ value: T; peakRss: number }> {
  let peakRss = hub.rssBytes();
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, hub.rssBytes());
  }, 20);
  try {
    const value = await work();
    return { value, peakRss: Math.max(peakRss, hub.rssBytes()) };
  } finally {
    clearInterval(timer);
  }
}

function mibPerSecond(result: Download): number {
  return result.bytes / MIB / result.seconds;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

async function main(): Promise<void> {
  const size = option('size-mib', 1024) * MIB;
  const runs = option('runs', 3);
  const workDir = mkdtempSync(join(tmpdir(), 'kohaku-download-bench-'));
  const dataDir = join(workDir, 'data');
  mkdirSync(dataDir);
  chmodSync(workDir, 0o755);
  const hubEnv = { KOHAKU_HUB_DOWNLOAD_MODE: 'proxy' };
  let hub = await startHubProcess(dataDir, hubEnv);
  let nginx: { url: string; stop(): Promise<void> } | undefined;
  try {
    const token = await writeToken(hub.url, 'bench');
    await createModelRepo(hub.url, token, 'weights');
    const file = join(workDir, 'object.bin');
    await writeRandomFile(file, size);
    const oid = await uploadLfsFile(hub, token, file, 'model.safetensors');
    rmSync(file);
    const uploadPeakRss = hub.peakRssBytes();
    // A fresh process, so the memory figures describe downloads, not what the upload left behind.
    await hub.stop();
    hub = await startHubProcess(dataDir, hubEnv);
    const blobPath = `lfs/${oid.slice(0, 2)}/${oid.slice(2, 4)}/${oid}`;
    nginx = await startNginx(join(workDir, 'nginx'), join(dataDir, 'blobs'));
    const nginxUrl = `${nginx.url}/${blobPath}`;
    const hubUrl = `${hub.url}/bench/weights/resolve/main/model.safetensors`;
    console.log(
      `LFS download benchmark: ${size / MIB} MiB, hub in proxy mode (fs storage) vs nginx on the same blob file, ${runs} run(s)`,
    );
    const idleRss = hub.rssBytes();
    await download(nginxUrl, size);
    await download(hubUrl, size);
    const ratios: number[] = [];
    const peaks: number[] = [];
    for (let runNumber = 1; runNumber <= runs; runNumber += 1) {
      const fromNginx = await download(nginxUrl, size);
      const fromHub = await sampleRss(hub, () => download(hubUrl, size));
      ratios.push(mibPerSecond(fromHub.value) / mibPerSecond(fromNginx));
      peaks.push(fromHub.peakRss);
      console.log(
        `run ${runNumber}: nginx ${fromNginx.seconds.toFixed(2)} s (${mibPerSecond(fromNginx).toFixed(0)} MiB/s), ` +
          `hub ${fromHub.value.seconds.toFixed(2)} s (${mibPerSecond(fromHub.value).toFixed(0)} MiB/s): ` +
          `${(ratios[ratios.length - 1] * 100).toFixed(0)} % of nginx, hub peak RSS ${mb(fromHub.peakRss)}`,
      );
    }
    console.log(
      `hub throughput vs nginx: median ${(median(ratios) * 100).toFixed(0)} %, best ${(Math.max(...ratios) * 100).toFixed(0)} % ` +
        '(target >= 80 %)',
    );
    console.log(
      `hub RSS: ${mb(idleRss)} idle, peak during the downloads ${mb(Math.max(...peaks))} (target < 200 MB); ` +
        `VmHWM of the process that received the upload: ${mb(uploadPeakRss)}`,
    );
  } finally {
    await nginx?.stop();
    await hub.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
