import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { connect, createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubConfig } from 'src/config/hub-config';
import { HOOK_CLIENT_SCRIPT, hookWrapperScript } from 'src/git-http/hook-client-script';

export type HookPhase = 'pre-receive' | 'post-receive';

/** What git's hook forwards: the phase, git's ref update lines and, before the update, the quarantine. */
export interface HookCall {
  phase: HookPhase;
  /** `GIT_QUARANTINE_PATH`: where the pushed objects wait (pre-receive only). */
  quarantine: string | null;
  /** `<old> <new> <ref>` lines. */
  updates: string;
}

/**
 * Handles one hook call of a push. `say` sends a line git prints as `remote: …`; the result
 * accepts (true) or refuses the push (only meaningful for `pre-receive`).
 */
export type PushHookHandler = (call: HookCall, say: (message: string) => void) => Promise<boolean>;

export interface RegisteredPush {
  /** Environment for receive-pack, inherited by its hooks. */
  env: Record<string, string>;
  /** Forget the push: later hook calls with its token are refused. */
  release(): void;
}

/** One call is a few ref lines plus a path; this is far above any real push. */
const MAX_CALL_BYTES = 32 * 1024 * 1024;
const RUNTIME_DIR_PREFIX = 'kohaku-hub-push-';
const SOCKET_NAME = 'hook.sock';
/** A runtime folder this old whose socket does not answer belongs to a process that is gone. */
const STALE_RUNTIME_MS = 60_000;

/**
 * The way back from git's hooks into the hub. receive-pack runs the hooks as child processes of
 * its own, so they reach the request that started the push through a Unix socket private to this
 * process (mode 0700 folder), naming the push by a one-time random token. Pushes are remembered in
 * memory only while their request runs: every hook call of a push reaches the replica serving it.
 */
@Injectable()
export class PushHookServer implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PushHookServer.name);
  private readonly handlers = new Map<string, PushHookHandler>();
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  private runtimeDir?: string;
  private socketPath?: string;
  private scriptPath?: string;
  readonly hooksPath: string;

  constructor(config: HubConfig) {
    this.hooksPath = join(config.git.root, 'hooks');
  }

  async onModuleInit(): Promise<void> {
    await this.installHooks();
    await sweepStaleRuntimeDirs();
    this.runtimeDir = await mkdtemp(join(tmpdir(), RUNTIME_DIR_PREFIX));
    await chmod(this.runtimeDir, 0o700);
    this.scriptPath = join(this.runtimeDir, 'hook-client.js');
    await writeFile(this.scriptPath, HOOK_CLIENT_SCRIPT, { mode: 0o600 });
    this.socketPath = join(this.runtimeDir, SOCKET_NAME);
    const server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  async onModuleDestroy(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    if (this.runtimeDir !== undefined) {
      await rm(this.runtimeDir, { recursive: true, force: true });
    }
  }

  /** Registers a push about to start; its hooks are answered by `handler` until `release()`. */
  register(handler: PushHookHandler): RegisteredPush {
    if (this.socketPath === undefined || this.scriptPath === undefined) {
      throw new Error('The push hook server is not listening');
    }
    const token = randomBytes(32).toString('hex');
    this.handlers.set(token, handler);
    return {
      env: {
        KOHAKU_PUSH_HOOK_NODE: process.execPath,
        KOHAKU_PUSH_HOOK_SCRIPT: this.scriptPath,
        KOHAKU_PUSH_HOOK_SOCKET: this.socketPath,
        KOHAKU_PUSH_HOOK_TOKEN: token,
      },
      release: () => {
        this.handlers.delete(token);
      },
    };
  }

  /**
   * The wrappers git runs, shared by every replica using this git root; written to a temporary
   * name and renamed, so a replica booting meanwhile never runs a half-written hook.
   */
  private async installHooks(): Promise<void> {
    await mkdir(this.hooksPath, { recursive: true });
    for (const phase of ['pre-receive', 'post-receive'] as const) {
      const target = join(this.hooksPath, phase);
      const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, hookWrapperScript(phase), { mode: 0o755 });
      await chmod(temporary, 0o755);
      await rename(temporary, target);
    }
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let received = '';
    let isHandled = false;
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      if (isHandled) {
        return;
      }
      received += text;
      const end = received.indexOf('\n');
      if (end < 0) {
        if (received.length > MAX_CALL_BYTES) {
          socket.destroy();
        }
        return;
      }
      isHandled = true;
      void this.answer(socket, received.slice(0, end));
    });
  }

  private async answer(socket: Socket, line: string): Promise<void> {
    const send = (reply: object): void => {
      if (!socket.destroyed) {
        socket.write(`${JSON.stringify(reply)}\n`);
      }
    };
    let isAccepted = false;
    try {
      const call = parseCall(line);
      const handler = call === null ? undefined : this.findHandler(call.token);
      if (call === null || handler === undefined) {
        send({ message: 'error: this push is unknown to the hub (it may have timed out)' });
      } else {
        const { phase, quarantine, updates } = call;
        isAccepted = await handler({ phase, quarantine, updates }, (message) => send({ message }));
      }
    } catch (error) {
      this.logger.error({ err: error }, 'A push hook call failed');
      send({ message: 'error: the hub failed while checking this push; nothing was changed' });
    }
    send({ accept: isAccepted });
    socket.end();
  }

  private findHandler(token: string): PushHookHandler | undefined {
    const given = Buffer.from(token);
    for (const [known, handler] of this.handlers) {
      const expected = Buffer.from(known);
      if (given.length === expected.length && timingSafeEqual(given, expected)) {
        return handler;
      }
    }
    return undefined;
  }
}

/**
 * Removes the runtime folders of hub processes that ended without shutting down (killed, crashed):
 * old enough and with a socket nobody listens on. Best effort; folders of other users stay.
 */
async function sweepStaleRuntimeDirs(): Promise<void> {
  const root = tmpdir();
  const names = await readdir(root).catch(() => [] as string[]);
  for (const name of names.filter((candidate) => candidate.startsWith(RUNTIME_DIR_PREFIX))) {
    const dir = join(root, name);
    const info = await stat(dir).catch(() => null);
    if (info === null || Date.now() - info.mtimeMs < STALE_RUNTIME_MS || (await isListening(join(dir, SOCKET_NAME)))) {
      continue;
    }
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function isListening(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

function parseCall(line: string): (HookCall & { token: string }) | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const call = value as Partial<Record<string, unknown>>;
  if (
    typeof call?.token !== 'string' ||
    (call.phase !== 'pre-receive' && call.phase !== 'post-receive') ||
    typeof call.updates !== 'string' ||
    (call.quarantine !== null && typeof call.quarantine !== 'string')
  ) {
    return null;
  }
  return { token: call.token, phase: call.phase, quarantine: call.quarantine ?? null, updates: call.updates };
}
