import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * The worker: one sha256 per hash id, fed in order. Each update arrives as a transferred buffer,
 * which goes back with the acknowledgement, so the same few buffers shuttle between the threads
 * and neither side copies more than once or touches fresh memory.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (message) => {
  if (message.kind === 'update') {
    let hash = hashes.get(message.id);
    if (hash === undefined) {
      hash = createHash('sha256');
      hashes.set(message.id, hash);
    }
    hash.update(new Uint8Array(message.buffer, 0, message.length));
    parentPort.postMessage({ id: message.id, kind: 'ack', buffer: message.buffer }, [message.buffer]);
  } else if (message.kind === 'digest') {
    const hash = hashes.get(message.id) ?? createHash('sha256');
    hashes.delete(message.id);
    parentPort.postMessage({ id: message.id, kind: 'digest', hex: hash.digest('hex') });
  } else if (message.kind === 'abort') {
    hashes.delete(message.id);
  }
});
`;

/** Updates one hash may have waiting in its worker before `whenReady` makes the producer wait. */
const MAX_QUEUED_UPDATES = 8;

/** Size of the buffers that carry bytes to a worker; larger updates are split. */
const TRANSFER_BUFFER_BYTES = 1024 * 1024;
/** Idle transfer buffers a worker keeps for reuse: what one upload keeps in flight. */
const MAX_SPARE_BUFFERS = MAX_QUEUED_UPDATES + 1;

type WorkerReply = { id: number; kind: 'ack'; buffer: ArrayBuffer } | { id: number; kind: 'digest'; hex: string };

interface HashListener {
  onReply(reply: WorkerReply): void;
  onFailure(error: Error): void;
}

/** One worker thread and the hashes it serves; a worker that dies fails them all. */
class HashWorker {
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true });
  private readonly listeners = new Map<number, HashListener>();
  private readonly spareBuffers: ArrayBuffer[] = [];
  private nextId = 1;
  isAlive = true;

  constructor() {
    // Idle workers must not keep a process (a CLI, a test run) alive.
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'ack' && this.spareBuffers.length < MAX_SPARE_BUFFERS) {
        this.spareBuffers.push(reply.buffer);
      }
      this.listeners.get(reply.id)?.onReply(reply);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`The sha256 worker exited with code ${code}`)));
  }

  open(): OffThreadSha256 {
    return new OffThreadSha256(this, this.nextId++);
  }

  listen(id: number, listener: HashListener): void {
    this.listeners.set(id, listener);
  }

  forget(id: number): void {
    this.listeners.delete(id);
  }

  post(message: object): void {
    this.worker.postMessage(message);
  }

  /** A buffer to fill for `postBuffer`: a spare one when there is one. */
  takeBuffer(): ArrayBuffer {
    return this.spareBuffers.pop() ?? new ArrayBuffer(TRANSFER_BUFFER_BYTES);
  }

  /** Hands the first `length` bytes of `buffer` over to the worker, to add to hash `id`. */
  postBuffer(id: number, buffer: ArrayBuffer, length: number): void {
    this.worker.postMessage({ kind: 'update', id, buffer, length }, [buffer]);
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.isAlive = false;
    for (const listener of this.listeners.values()) {
      listener.onFailure(error);
    }
    this.listeners.clear();
  }
}

/**
 * One sha256 computed on a worker thread, in the order the bytes are given, so hashing an upload
 * never holds up the event loop (nor the other requests it serves).
 */
export class OffThreadSha256 {
  /** Updates posted and not yet acknowledged. */
  private queued = 0;
  /** Bytes are gathered here and posted a full buffer at a time: a message costs far more than a copy. */
  private pending: Uint8Array | null = null;
  private pendingBytes = 0;
  private failure: Error | null = null;
  private onProgress: (() => void) | null = null;
  private digestRequest: { resolve: (hex: string) => void; reject: (error: Error) => void } | null = null;

  constructor(
    private readonly worker: HashWorker,
    private readonly id: number,
  ) {
    worker.listen(id, {
      onReply: (reply) => this.onReply(reply),
      onFailure: (error) => this.onFailure(error),
    });
  }

  /** Adds bytes to the hash; they are copied, so the caller may reuse them at once. */
  update(bytes: Uint8Array): void {
    let offset = 0;
    while (this.failure === null && offset < bytes.length) {
      this.pending ??= new Uint8Array(this.worker.takeBuffer());
      const copied = Math.min(bytes.length - offset, this.pending.length - this.pendingBytes);
      this.pending.set(bytes.subarray(offset, offset + copied), this.pendingBytes);
      this.pendingBytes += copied;
      offset += copied;
      if (this.pendingBytes === this.pending.length) {
        this.post();
      }
    }
  }

  /** Resolves once the worker has caught up enough to take more; rejects if it failed. */
  async whenReady(): Promise<void> {
    while (this.failure === null && this.queued > MAX_QUEUED_UPDATES) {
      await new Promise<void>((wake) => (this.onProgress = wake));
    }
    if (this.failure !== null) {
      throw this.failure;
    }
  }

  get isBusy(): boolean {
    return this.queued > MAX_QUEUED_UPDATES;
  }

  /** The hex digest of everything given; call once. */
  digest(): Promise<string> {
    if (this.failure !== null) {
      return Promise.reject(this.failure);
    }
    if (this.pendingBytes > 0) {
      this.post();
    }
    return new Promise((resolve, reject) => {
      this.digestRequest = { resolve, reject };
      this.worker.post({ kind: 'digest', id: this.id });
    });
  }

  /** Drops the hash (the upload failed). */
  abort(): void {
    if (this.digestRequest === null && this.failure === null) {
      this.worker.post({ kind: 'abort', id: this.id });
    }
    this.worker.forget(this.id);
  }

  private post(): void {
    if (this.pending !== null) {
      this.queued += 1;
      this.worker.postBuffer(this.id, this.pending.buffer as ArrayBuffer, this.pendingBytes);
    }
    this.pending = null;
    this.pendingBytes = 0;
  }

  private onReply(reply: WorkerReply): void {
    if (reply.kind === 'ack') {
      this.queued -= 1;
      this.wake();
      return;
    }
    this.worker.forget(this.id);
    this.digestRequest?.resolve(reply.hex);
  }

  private onFailure(error: Error): void {
    this.failure = error;
    this.wake();
    this.digestRequest?.reject(error);
  }

  private wake(): void {
    const wake = this.onProgress;
    this.onProgress = null;
    wake?.();
  }
}

/**
 * sha256 worker threads for the LFS upload path: the server hashes every uploaded byte, at about
 * the speed it receives them, and on the event loop that would be most of its time (and every
 * other request's latency). Workers start on first use; one per core, at most four.
 */
@Injectable()
export class Sha256Workers implements OnModuleDestroy {
  private readonly workers: HashWorker[] = [];
  private readonly size = Math.max(1, Math.min(4, availableParallelism()));
  private next = 0;

  /** A new hash, on the next worker in turn. */
  open(): OffThreadSha256 {
    const index = this.next++ % this.size;
    if (this.workers[index] === undefined || !this.workers[index].isAlive) {
      this.workers[index] = new HashWorker();
    }
    return this.workers[index].open();
  }

  /** The sha256 and length of a stream, hashed off the event loop. */
  async measure(body: AsyncIterable<Buffer>): Promise<{ oid: string; size: number }> {
    const hash = this.open();
    let size = 0;
    try {
      for await (const chunk of body) {
        size += chunk.length;
        hash.update(chunk);
        await hash.whenReady();
      }
    } catch (error) {
      hash.abort();
      throw error;
    }
    return { oid: await hash.digest(), size };
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    this.workers.length = 0;
  }
}
