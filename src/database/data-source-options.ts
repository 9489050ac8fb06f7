import { join } from 'node:path';
import { types as pgTypes, defaults as pgDefaults } from 'pg';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from 'src/config/hub-config';
import { SnakeNamingStrategy } from 'src/database/snake-naming.strategy';

/**
 * Entities are collected by glob from their owning modules and migrations from the top-level
 * `migrations/` folder; the globs match `.ts` under jest and `.js` in `dist/`.
 */
const ROOT = join(__dirname, '..', '..');
const ENTITIES = [join(ROOT, 'src', '**', '*.entity.{ts,js}')];
const MIGRATIONS = [join(ROOT, 'migrations', '*.{ts,js}')];

export function buildDataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    namingStrategy: new SnakeNamingStrategy(),
  } as const;
  if (database.type === 'postgres') {
    usePostgresUtcTimestamps();
    return { ...common, type: 'postgres', url: database.url, extra: { max: 20, options: '-c TimeZone=UTC' } };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.url,
    // WAL lets readers run beside the single writer; busy_timeout makes concurrent writers wait instead of failing.
    prepareDatabase: (db: { pragma(statement: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 10000');
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
    },
  };
}

const PG_TIMESTAMP_WITHOUT_TIME_ZONE = 1114;

/**
 * Timestamps are stored as UTC wall-clock values on both engines (SQLite has no zones), so the
 * Postgres session runs in UTC, dates are sent as UTC and read back as UTC whatever TZ the host has.
 */
function usePostgresUtcTimestamps(): void {
  pgDefaults.parseInputDatesAsUTC = true;
  pgTypes.setTypeParser(PG_TIMESTAMP_WITHOUT_TIME_ZONE, (value: string) => new Date(`${value.replace(' ', 'T')}Z`));
}
