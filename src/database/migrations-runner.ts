import { DataSource, Migration } from 'typeorm';

/** An arbitrary, fixed advisory-lock key: every replica of the hub uses the same one. */
const MIGRATION_LOCK_KEY = 7_241_908_113;

/**
 * Runs pending migrations. On Postgres it holds a session-level advisory lock for the duration,
 * so replicas booting together apply each migration exactly once; SQLite has one writer anyway.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<Migration[]> {
  if (dataSource.options.type !== 'postgres') {
    return dataSource.runMigrations({ transaction: 'each' });
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

/** The SQL statements that would bring the migrated schema in line with the entities (empty = in sync). */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((query) => query.query);
}
