import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { RepoType } from 'src/repo/repo-types';
import { BlobByteRange } from 'src/storage/blob-storage';

const REPO_DOWNLOADED = 'repo.downloaded';

/** How the bytes of a download left the hub. */
export type DownloadDelivery = 'git' | 'storage' | 'redirect';

/** One successful resolve GET: what a statistics consumer needs to count and group downloads. */
export interface RepoDownloadedEvent {
  repoId: number;
  repoType: RepoType;
  /** `namespace/name` at the time of the download. */
  repoFullId: string;
  /** The revision as the client named it, and the commit it resolved to. */
  revision: string;
  commitSha: string;
  path: string;
  /** Size of the whole file (the LFS object's size for LFS files). */
  size: number;
  isLfs: boolean;
  /** The inclusive byte range asked for, or null for the whole file. */
  range: BlobByteRange | null;
  delivery: DownloadDelivery;
  /** Null for anonymous callers. */
  userId: number | null;
  clientIp: string | null;
  userAgent: string | null;
  at: Date;
}

export type DownloadListener = (event: RepoDownloadedEvent) => void | Promise<void>;

/**
 * The in-process event bus for downloads. Publishing never waits for listeners and never fails:
 * events are delivered on a later turn of the event loop, after the response has started, and a
 * listener that throws or rejects is logged, never surfaced to the download.
 */
@Injectable()
export class DownloadEvents {
  private readonly logger = new Logger(DownloadEvents.name);
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(event: RepoDownloadedEvent): void {
    if (this.emitter.listenerCount(REPO_DOWNLOADED) === 0) {
      return;
    }
    setImmediate(() => this.emitter.emit(REPO_DOWNLOADED, event));
  }

  /** Registers a listener; the returned function removes it again. */
  subscribe(listener: DownloadListener): () => void {
    const guarded = (event: RepoDownloadedEvent): void => {
      void Promise.resolve()
        .then(() => listener(event))
        .catch((error: unknown) => this.logger.warn(`A download listener failed: ${String(error)}`));
    };
    this.emitter.on(REPO_DOWNLOADED, guarded);
    return () => {
      this.emitter.off(REPO_DOWNLOADED, guarded);
    };
  }
}
