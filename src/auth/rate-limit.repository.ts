import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { RateLimitEntity } from 'src/auth/rate-limit.entity';

export interface RateLimitWindow {
  /** Hits counted in the current window, this one included. */
  hits: number;
  /** Start of the current window, epoch milliseconds. */
  windowStart: number;
}

/**
 * Fixed-window counters in the `rate_limits` table. One statement counts a hit, so concurrent
 * requests on any replica never lose an increment.
 */
@Injectable()
export class RateLimitRepository {
  constructor(@InjectRepository(RateLimitEntity) private readonly limits: Repository<RateLimitEntity>) {}

  /**
   * Counts one hit on `key` and returns the window's state. A window older than `windowMs` starts
   * over at `nowMs`. Both engines evaluate every SET expression against the old row, so the two
   * CASEs see the same `window_start`. Named parameters are rewritten by the driver (`?` or `$n`).
   */
  async hit(key: string, nowMs: number, windowMs: number): Promise<RateLimitWindow> {
    const [sql, parameters] = this.limits.manager.connection.driver.escapeQueryWithParameters(
      `INSERT INTO rate_limits ("key", window_start, hits) VALUES (:key, :now, 1)
       ON CONFLICT ("key") DO UPDATE SET
         hits = CASE WHEN rate_limits.window_start <= :expired THEN 1 ELSE rate_limits.hits + 1 END,
         window_start = CASE WHEN rate_limits.window_start <= :expired THEN :now ELSE rate_limits.window_start END
       RETURNING hits, window_start`,
      { key, now: nowMs, expired: nowMs - windowMs },
      {},
    );
    const rows = await this.limits.query<{ hits: number | string; window_start: number | string }[]>(sql, parameters);
    return { hits: Number(rows[0].hits), windowStart: Number(rows[0].window_start) };
  }

  async reset(key: string): Promise<void> {
    await this.limits.delete({ key });
  }

  /** Drops counters whose window ended before `cutoffMs`; they would start over anyway. */
  async deleteStale(cutoffMs: number): Promise<void> {
    await this.limits.delete({ windowStart: LessThan(String(cutoffMs)) });
  }
}
