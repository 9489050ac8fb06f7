/**
 * The hub as a child process for benchmarks: its own event loop and its own memory, so a load
 * generator in the bench process does not share a thread with it and its RSS can be read from
 * /proc. Runs the compiled `src/main.js` of the same build as the bench (`npm run bench` compiles
 * the project into a temporary folder and runs the bench from there).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface HubProcess {
  url: string;
  pid: number;
  /** Resident set size now, in bytes (VmRSS). */
  rssBytes(): number;
  /** The highest resident set size so far, in bytes (VmHWM). */
  peakRssBytes(): number;
  stop(): Promise<void>;
}

/** A TCP port on the loopback interface that nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A `VmRSS`/`VmHWM`-style line of /proc/<pid>/status, in bytes. */
export function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? 0 : Number(match[1]) * 1024;
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the hub exited with ${child.exitCode}: ${output()}`);
    }
    try {
      if ((await fetch(`${url}/health`)).ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the hub did not become healthy within a minute: ${output()}`);
}

/** Starts `node <build>/src/main.js` on a free loopback port with `env` added to the environment. */
export async function startHubProcess(dataDir: string, env: Record<string, string> = {}): Promise<HubProcess> {
  const buildRoot = join(__dirname, '..', '..');
  const port = await freePort();
  const child = spawn(process.execPath, [join(buildRoot, 'src', 'main.js')], {
    env: {
      ...process.env,
      NODE_PATH: buildRoot,
      KOHAKU_HUB_PORT: String(port),
      KOHAKU_HUB_HOST: '127.0.0.1',
      KOHAKU_HUB_DATA_DIR: dataDir,
      KOHAKU_HUB_LOG_LEVEL: 'silent',
      KOHAKU_HUB_BCRYPT_COST: '10',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = `${output}${chunk.toString('utf8')}`.slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const pid = child.pid as number;
  return {
    url,
    pid,
    rssBytes: () => procStatusBytes(pid, 'VmRSS'),
    peakRssBytes: () => procStatusBytes(pid, 'VmHWM'),
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    },
  };
}

async function expectOk(response: Response, what: string): Promise<Response> {
  if (!response.ok) {
    throw new Error(`${what} failed: ${response.status} ${await response.text()}`);
  }
  return response;
}

/** Registers `username`, signs in and mints a write token; returns the `hf_` token. */
export async function writeToken(url: string, username: string): Promise<string> {
  const password = 'bench password 1234';
  const json = { 'Content-Type': 'application/json' };
  await expectOk(
    await fetch(`${url}/api/auth/register`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username, email: `${username}@example.com`, password }),
    }),
    'registration',
  );
  const login = await expectOk(
    await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username, password }),
    }),
    'login',
  );
  const session = ((await login.json()) as { token: string }).token;
  const minted = await expectOk(
    await fetch(`${url}/api/auth/tokens/create`, {
      method: 'POST',
      headers: { ...json, Authorization: `Bearer ${session}` },
      body: JSON.stringify({ name: 'bench', role: 'write' }),
    }),
    'token creation',
  );
  return ((await minted.json()) as { token: string }).token;
}

export async function createModelRepo(url: string, token: string, name: string): Promise<void> {
  await expectOk(
    await fetch(`${url}/api/repos/create`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name }),
    }),
    'repository creation',
  );
}

/** One NDJSON commit to `main` of `repoId` with the given lines after the header; returns the commit id. */
export async function commitLines(
  url: string,
  token: string,
  repoId: string,
  lines: { key: string; value: Record<string, unknown> }[],
): Promise<string> {
  const body = [{ key: 'header', value: { summary: 'bench files', description: '' } }, ...lines]
    .map((line) => JSON.stringify(line))
    .join('\n');
  const response = await expectOk(
    await fetch(`${url}/api/models/${repoId}/commit/main`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson' },
      body: `${body}\n`,
    }),
    'commit',
  );
  return ((await response.json()) as { commitOid: string }).commitOid;
}

export function fileLine(path: string, content: Buffer): { key: string; value: Record<string, unknown> } {
  return { key: 'file', value: { path, content: content.toString('base64'), encoding: 'base64' } };
}
