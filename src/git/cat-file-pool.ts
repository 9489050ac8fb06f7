import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Readable } from 'node:stream';
import { HubConfig } from 'src/config/hub-config';
import { GitProcess, GitStream } from 'src/git/git-process';
import { GitCommandError, InvalidGitIdError } from 'src/git/git.errors';

export type GitObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export interface GitObjectHeader {
  oid: string;
  type: GitObjectType;
  size: number;
}

export interface GitObjectStream extends GitObjectHeader {
  /** Exactly `size` bytes. Consume it or destroy it: the pooled process stays reserved until then. */
  body: Readable;
}

type CatFileMode = 'batch' | 'batch-check';

/** More than one process per repository, so one slow download does not stall every other read of it. */
const MAX_PROCESSES_PER_REPOSITORY = 4;
const IDLE_TIMEOUT_MS = 60_000;
const SWEEP_INTERVAL_MS = 15_000;
const CHUNK_BYTES = 64 * 1024;
/** Room for a `<name> missing` answer to the longest object name accepted (a 4 KiB path after `<commit>:`). */
const MAX_HEADER_BYTES = 16 * 1024;
const MAX_OBJECT_NAME_BYTES = 8 * 1024;
const OID_PATTERN = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const OBJECT_TYPES: readonly string[] = ['blob', 'tree', 'commit', 'tag'];
const EMPTY = Buffer.alloc(0);

/** The process ended or was replaced before it could serve a request; the pool retries elsewhere. */
class CatFileGoneError extends Error {}

/**
 * One long-lived `git cat-file --batch` (or `--batch-check`) process. Requests are serialized: a
 * lease grants exclusive use of the request/response pipe until released (or discarded, which
 * kills the process because its output position is no longer known).
 */
class CatFileProcess {
  lastUsedAt = Date.now();
  private pending: Buffer = EMPTY;
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  private isLeased = false;
  private isRetired = false;
  private readonly waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  constructor(
    readonly key: string,
    private readonly stream: GitStream,
    private readonly onGone: (process: CatFileProcess) => void,
  ) {
    stream.stdout.on('readable', () => this.notify());
    stream.stdout.on('end', () => this.fail(new CatFileGoneError('git cat-file ended')));
    stream.stdout.on('error', (error) => this.fail(error));
    stream.exit.then(
      () => this.fail(new CatFileGoneError('git cat-file exited')),
      (error: Error) => this.fail(error),
    );
  }

  /** Leased plus queued requests. */
  get load(): number {
    return (this.isLeased ? 1 : 0) + this.waiters.length;
  }

  get isAlive(): boolean {
    return this.failure === null;
  }

  get exited(): Promise<unknown> {
    return this.stream.exit.catch(() => undefined);
  }

  acquire(): Promise<void> {
    if (this.failure) {
      return Promise.reject(new CatFileGoneError('git cat-file is gone'));
    }
    if (!this.isLeased) {
      this.isLeased = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  release(): void {
    this.lastUsedAt = Date.now();
    const next = this.waiters.shift();
    if (next) {
      next.resolve();
      return;
    }
    this.isLeased = false;
    if (this.isRetired) {
      this.close();
    }
  }

  /** Stops taking new work from the pool; closes once the requests already queued are served. */
  retire(): void {
    this.isRetired = true;
    if (this.load === 0) {
      this.close();
    }
  }

  request(oid: string): void {
    this.stream.stdin?.write(`${oid}\n`);
  }

  async readLine(): Promise<string> {
    const parts: Buffer[] = [];
    let length = 0;
    for (;;) {
      await this.fill();
      const end = this.pending.indexOf(0x0a);
      if (end >= 0) {
        parts.push(this.pending.subarray(0, end));
        this.pending = this.pending.subarray(end + 1);
        return Buffer.concat(parts).toString('utf8');
      }
      parts.push(this.pending);
      length += this.pending.length;
      this.pending = EMPTY;
      if (length > MAX_HEADER_BYTES) {
        throw new Error('git cat-file sent an overlong header line');
      }
    }
  }

  /** Up to `max` bytes (at least one), without reading ahead of what the caller asked for. */
  async readChunk(max: number): Promise<Buffer> {
    await this.fill();
    const chunk = this.pending.subarray(0, Math.min(max, this.pending.length));
    this.pending = this.pending.subarray(chunk.length);
    return chunk;
  }

  async skip(count: number): Promise<void> {
    let remaining = count;
    while (remaining > 0) {
      remaining -= (await this.readChunk(Math.min(remaining, CHUNK_BYTES))).length;
    }
  }

  /** Graceful stop: git exits when its stdin closes. */
  close(): void {
    this.stream.stdin?.end();
  }

  kill(): void {
    this.fail(new CatFileGoneError('git cat-file was stopped'));
    this.stream.kill();
  }

  /** Pulls from stdout only when the buffer is empty, so a slow consumer holds git back (backpressure). */
  private async fill(): Promise<void> {
    while (this.pending.length === 0) {
      if (this.failure) {
        throw this.failure;
      }
      const chunk = this.stream.stdout.read() as Buffer | null;
      if (chunk !== null) {
        this.pending = chunk;
        return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private fail(error: Error): void {
    if (this.failure) {
      return;
    }
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(new CatFileGoneError('git cat-file is gone'));
    }
    this.notify();
    this.onGone(this);
  }
}

interface CatFileLease {
  readonly process: CatFileProcess;
  release(): void;
  discard(): void;
}

/**
 * Long-lived `git cat-file` processes shared by all requests, so reading a blob or its size costs a
 * pipe round trip instead of a process start. At most `config.git.catFilePoolSize` processes are
 * kept: the least recently used idle one is closed to make room, and processes idle for a minute
 * are closed. A process that crashes or is evicted is replaced on the next request.
 */
@Injectable()
export class CatFilePool implements OnModuleDestroy {
  private readonly processes = new Map<string, CatFileProcess[]>();
  private readonly capacity: number;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    config: HubConfig,
    private readonly gitProcess: GitProcess,
  ) {
    this.capacity = config.git.catFilePoolSize;
  }

  /** Number of pooled processes. */
  get size(): number {
    let count = 0;
    for (const list of this.processes.values()) {
      count += list.length;
    }
    return count;
  }

  /** Type and size of an object, or null if the repository does not have it. */
  async readObjectHeader(gitDir: string, oid: string): Promise<GitObjectHeader | null> {
    assertOid(oid);
    const { lease, header } = await this.requestHeader(gitDir, 'batch-check', oid);
    lease.release();
    return header;
  }

  /** Streams an object's content, or returns null if the repository does not have it. */
  async readObject(gitDir: string, oid: string): Promise<GitObjectStream | null> {
    assertOid(oid);
    const { lease, header } = await this.requestHeader(gitDir, 'batch', oid);
    if (header === null) {
      lease.release();
      return null;
    }
    return { ...header, body: this.createBody(lease, header.size) };
  }

  /**
   * Like `readObjectHeader`, for an object name git resolves itself (`main^{commit}`,
   * `<commit>:<path>`): the header carries the id it resolved to. Callers validate what the name
   * may contain (`GitRepository` does); this only refuses what would break the request framing.
   */
  async readObjectHeaderByName(gitDir: string, name: string): Promise<GitObjectHeader | null> {
    assertObjectName(name);
    const { lease, header } = await this.requestHeader(gitDir, 'batch-check', name);
    lease.release();
    return header;
  }

  /** Stops the processes serving one repository (before it is deleted or moved). */
  closeRepository(gitDir: string): void {
    for (const mode of ['batch', 'batch-check'] as const) {
      const list = this.processes.get(poolKey(gitDir, mode)) ?? [];
      for (const process of [...list]) {
        this.forget(process);
        process.kill();
      }
    }
  }

  /** Closes processes idle for at least `maxIdleMs`; returns how many. */
  closeIdle(maxIdleMs = IDLE_TIMEOUT_MS): number {
    const now = Date.now();
    let closed = 0;
    for (const process of this.all()) {
      if (process.load === 0 && now - process.lastUsedAt >= maxIdleMs) {
        this.forget(process);
        process.close();
        closed++;
      }
    }
    return closed;
  }

  async onModuleDestroy(): Promise<void> {
    const processes = this.all();
    for (const process of processes) {
      this.forget(process);
      if (process.load === 0) {
        process.close();
      } else {
        process.kill();
      }
    }
    await Promise.all(processes.map((process) => process.exited));
  }

  /**
   * Sends one request and reads its header line. If the process turns out to be dead (it crashed or
   * was killed between requests) nothing has been read yet, so the request is retried once on a
   * fresh process; a second failure is a real error.
   */
  private async requestHeader(
    gitDir: string,
    mode: CatFileMode,
    oid: string,
  ): Promise<{ lease: CatFileLease; header: GitObjectHeader | null }> {
    for (let attempt = 1; ; attempt++) {
      const lease = await this.lease(gitDir, mode);
      try {
        lease.process.request(oid);
        return { lease, header: parseHeader(await lease.process.readLine(), oid) };
      } catch (error) {
        const wasDead = !lease.process.isAlive;
        lease.discard();
        if (wasDead && attempt < 2) {
          continue;
        }
        throw asGitError(error);
      }
    }
  }

  private async lease(gitDir: string, mode: CatFileMode): Promise<CatFileLease> {
    for (let attempt = 1; ; attempt++) {
      const process = this.pick(gitDir, mode);
      try {
        await process.acquire();
      } catch (error) {
        if (error instanceof CatFileGoneError && attempt < 3) {
          continue;
        }
        throw asGitError(error);
      }
      let isDone = false;
      return {
        process,
        release: () => {
          if (!isDone) {
            isDone = true;
            process.release();
          }
        },
        discard: () => {
          if (!isDone) {
            isDone = true;
            this.forget(process);
            process.kill();
          }
        },
      };
    }
  }

  private pick(gitDir: string, mode: CatFileMode): CatFileProcess {
    const key = poolKey(gitDir, mode);
    const list = this.processes.get(key) ?? [];
    const idle = list.find((process) => process.load === 0);
    if (idle) {
      return idle;
    }
    if (list.length === 0) {
      this.makeRoom(true);
      return this.spawn(key, gitDir, mode);
    }
    if (list.length < MAX_PROCESSES_PER_REPOSITORY && this.makeRoom(false)) {
      return this.spawn(key, gitDir, mode);
    }
    return list.reduce((best, process) => (process.load < best.load ? process : best));
  }

  /**
   * Frees a slot when the pool is full by closing the least recently used idle process. With
   * `force` and no idle process, the least recently used busy one is retired instead (it finishes
   * its queue, then exits), so a repository with no process yet always gets one.
   */
  private makeRoom(force: boolean): boolean {
    if (this.size < this.capacity) {
      return true;
    }
    const byAge = this.all().sort((a, b) => a.lastUsedAt - b.lastUsedAt);
    const idle = byAge.find((process) => process.load === 0);
    if (idle) {
      this.forget(idle);
      idle.close();
      return true;
    }
    if (!force || byAge.length === 0) {
      return false;
    }
    this.forget(byAge[0]);
    byAge[0].retire();
    return true;
  }

  private spawn(key: string, gitDir: string, mode: CatFileMode): CatFileProcess {
    const stream = this.gitProcess.stream(['cat-file', `--${mode}`], { gitDir, stdin: 'pipe', timeoutMs: 0 });
    const process = new CatFileProcess(key, stream, (gone) => this.forget(gone));
    this.processes.set(key, [...(this.processes.get(key) ?? []), process]);
    this.startSweeping();
    return process;
  }

  private forget(process: CatFileProcess): void {
    const list = this.processes.get(process.key);
    if (!list?.includes(process)) {
      return;
    }
    const rest = list.filter((other) => other !== process);
    if (rest.length === 0) {
      this.processes.delete(process.key);
    } else {
      this.processes.set(process.key, rest);
    }
    if (this.processes.size === 0) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = undefined;
    }
  }

  private all(): CatFileProcess[] {
    return [...this.processes.values()].flat();
  }

  private startSweeping(): void {
    if (this.sweepTimer === undefined) {
      this.sweepTimer = setInterval(() => this.closeIdle(), SWEEP_INTERVAL_MS);
      this.sweepTimer.unref();
    }
  }

  /**
   * The body streams exactly `size` bytes, then consumes git's trailing newline and releases the
   * process before signalling the end. Destroying it early leaves unread bytes in the pipe, so the
   * process is killed and replaced rather than reused.
   */
  private createBody(lease: CatFileLease, size: number): Readable {
    const process = lease.process;
    let remaining = size;
    let isComplete = false;
    const finish = async (): Promise<void> => {
      const trailer = await process.readChunk(1);
      if (trailer[0] !== 0x0a) {
        throw new Error('git cat-file output lost its framing');
      }
      isComplete = true;
      lease.release();
    };
    const body: Readable = new Readable({
      highWaterMark: CHUNK_BYTES,
      read: () => {
        const step = async (): Promise<void> => {
          if (remaining === 0) {
            await finish();
            body.push(null);
            return;
          }
          const chunk = await process.readChunk(Math.min(remaining, CHUNK_BYTES));
          remaining -= chunk.length;
          if (remaining > 0) {
            body.push(chunk);
            return;
          }
          await finish();
          body.push(chunk);
          body.push(null);
        };
        step().catch((error: unknown) => body.destroy(asGitError(error)));
      },
      destroy: (error, callback) => {
        if (!isComplete) {
          lease.discard();
        }
        callback(error);
      },
    });
    return body;
  }
}

function poolKey(gitDir: string, mode: CatFileMode): string {
  return `${mode}\0${gitDir}`;
}

function assertOid(oid: string): void {
  if (!OID_PATTERN.test(oid)) {
    throw new InvalidGitIdError('object id');
  }
}

/** One request line of `cat-file --batch`: no line breaks or NUL, and not absurdly long. */
function assertObjectName(name: string): void {
  if (
    typeof name !== 'string' ||
    name === '' ||
    Buffer.byteLength(name, 'utf8') > MAX_OBJECT_NAME_BYTES ||
    /[\n\r\0]/.test(name)
  ) {
    throw new InvalidGitIdError('object name');
  }
}

/**
 * `<oid> <type> <size>`, or `<request> missing|ambiguous`. A request by id must be answered with
 * that id; a request by name (which may hold spaces) is answered with the id it resolved to.
 */
function parseHeader(line: string, request: string): GitObjectHeader | null {
  if (line === `${request} missing` || line === `${request} ambiguous`) {
    return null;
  }
  const parts = line.split(' ');
  const isAnswerToRequest = OID_PATTERN.test(request) ? parts[0] === request : OID_PATTERN.test(parts[0]);
  if (parts.length === 3 && isAnswerToRequest && OBJECT_TYPES.includes(parts[1]) && /^\d+$/.test(parts[2])) {
    return { oid: parts[0], type: parts[1] as GitObjectType, size: Number(parts[2]) };
  }
  throw new Error(`git cat-file answered an unexpected header for ${request}`);
}

function asGitError(error: unknown): Error {
  if (error instanceof GitCommandError) {
    return error;
  }
  return new GitCommandError(
    {
      subcommand: 'cat-file',
      args: ['cat-file'],
      exitCode: null,
      signal: null,
      stderr: error instanceof Error ? error.message : String(error),
    },
    { cause: error },
  );
}
