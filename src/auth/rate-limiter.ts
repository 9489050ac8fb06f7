import { Injectable, Logger } from '@nestjs/common';
import { RateLimitRepository } from 'src/auth/rate-limit.repository';
import { TooManyRequestsError } from 'src/common/errors/hub-error';
import { HubConfig } from 'src/config/hub-config';

export interface RateLimitCounter {
  key: string;
  /** Hits allowed per window; the next one is refused. */
  limit: number;
}

export interface RateLimitWindowRule {
  windowSeconds: number;
  /** What is being limited, for the 429 message ("login attempts"). */
  what: string;
}

/** Counters older than this are swept; it also bounds how long any window may be. */
const MIN_SWEEP_AGE_MS = 24 * 3600 * 1000;
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/** Fixed-window limits counted in the database (shared by all replicas); a refused hit answers 429 with Retry-After. */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private lastSweepMs = 0;

  constructor(
    private readonly limits: RateLimitRepository,
    private readonly config: HubConfig,
  ) {}

  /** Counts a hit on every counter (all are counted, even when one refuses) and throws when any is over its limit. */
  async consume(counters: RateLimitCounter[], rule: RateLimitWindowRule): Promise<void> {
    const nowMs = Date.now();
    const windowMs = rule.windowSeconds * 1000;
    let retryAfterMs = 0;
    for (const counter of counters) {
      const window = await this.limits.hit(counter.key, nowMs, windowMs);
      if (window.hits > counter.limit) {
        retryAfterMs = Math.max(retryAfterMs, window.windowStart + windowMs - nowMs);
      }
    }
    this.sweepOccasionally(nowMs);
    if (retryAfterMs > 0) {
      const seconds = Math.ceil(retryAfterMs / 1000);
      throw new TooManyRequestsError(`Too many ${rule.what}; try again in ${seconds} seconds`, seconds);
    }
  }

  reset(key: string): Promise<void> {
    return this.limits.reset(key);
  }

  private sweepOccasionally(nowMs: number): void {
    if (nowMs - this.lastSweepMs < SWEEP_INTERVAL_MS) {
      return;
    }
    this.lastSweepMs = nowMs;
    const maxAgeMs = Math.max(MIN_SWEEP_AGE_MS, this.config.auth.loginWindowSeconds * 1000);
    this.limits.deleteStale(nowMs - maxAgeMs).catch((error: unknown) => {
      this.logger.warn(`Could not sweep old rate-limit counters: ${(error as Error).message}`);
    });
  }
}
