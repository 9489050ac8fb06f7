import { QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * Column builders for migrations that must run unchanged on SQLite and Postgres. Types come
 * from the running driver, so they match what the entities' `type: Date`, `@CreateDateColumn`
 * and friends resolve to, and the pending-migration check stays clean on both engines.
 */
export class PortableColumns {
  constructor(private readonly queryRunner: QueryRunner) {}

  private get isPostgres(): boolean {
    return this.queryRunner.connection.options.type === 'postgres';
  }

  id(name = 'id'): TableColumnOptions {
    return { name, type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
  }

  integer(name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions {
    return { name, type: 'integer', ...options };
  }

  bigint(name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions {
    return { name, type: 'bigint', ...options };
  }

  varchar(name: string, length: number, options: Partial<TableColumnOptions> = {}): TableColumnOptions {
    return { name, type: 'varchar', length: String(length), ...options };
  }

  text(name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions {
    return { name, type: 'text', ...options };
  }

  boolean(name: string, defaultValue: boolean): TableColumnOptions {
    return { name, type: 'boolean', default: this.isPostgres ? String(defaultValue) : defaultValue ? 1 : 0 };
  }

  /** A nullable-or-not point in time (`@Column({ type: Date })`). */
  timestamp(name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions {
    return { name, type: this.isPostgres ? 'timestamp' : 'datetime', ...options };
  }

  /** Matches `@CreateDateColumn()` / `@UpdateDateColumn()`. */
  createdAt(name = 'created_at'): TableColumnOptions {
    return {
      name,
      type: this.isPostgres ? 'timestamp' : 'datetime',
      default: this.isPostgres ? 'now()' : "datetime('now')",
    };
  }
}
