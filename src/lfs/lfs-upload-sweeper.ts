import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LfsStagedObjects } from 'src/lfs/lfs-staged-objects';
import { LfsUploadSessionRepository } from 'src/lfs/lfs-upload-session.repository';

const SWEEP_INTERVAL_MS = 10 * 60 * 1000;
/**
 * Signed URLs are checked when a request starts, so a long upload may still be streaming after its
 * session expired; staged bytes are only reclaimed once no such request can plausibly be running.
 */
const EXPIRY_GRACE_MS = 6 * 3600 * 1000;
const SWEEP_BATCH = 200;

/**
 * Removes abandoned uploads: expired sessions and the staged bytes or unfinished multipart uploads
 * they point to. Every replica may sweep; deleting the row first makes exactly one of them clean up.
 */
@Injectable()
export class LfsUploadSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LfsUploadSweeper.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly sessions: LfsUploadSessionRepository,
    private readonly staged: LfsStagedObjects,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((error: unknown) => this.logger.warn({ err: error }, 'Sweeping expired LFS uploads failed'));
    }, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Removes uploads that expired before `now - grace`; resolves with how many were removed. */
  async sweep(now = new Date(), graceMs = EXPIRY_GRACE_MS): Promise<number> {
    const cutoff = new Date(now.getTime() - graceMs);
    let removed = 0;
    for (;;) {
      const expired = await this.sessions.findExpiredBefore(cutoff, SWEEP_BATCH);
      for (const session of expired) {
        if (!(await this.sessions.delete(session.id))) {
          continue;
        }
        removed += 1;
        await this.staged.removeStagedBytes(session).catch((error: unknown) => {
          this.logger.warn({ err: error, uploadId: session.id }, 'Could not remove the bytes of an expired LFS upload');
        });
      }
      if (expired.length < SWEEP_BATCH) {
        return removed;
      }
    }
  }
}
