import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A fixed-window counter (login attempts, verification mails). Kept in the database, not in memory,
 * so every replica of the hub counts against the same limit.
 */
@Entity('rate_limits')
export class RateLimitEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  key!: string;

  /** Start of the current window in epoch milliseconds: a plain number compares the same way on both engines. */
  @Column({ type: 'bigint' })
  windowStart!: string;

  @Column({ type: 'integer' })
  hits!: number;
}
