import { ChildProcess } from 'node:child_process';
import { Client } from 'pg';

/** Stops s3rver and drops the Postgres databases this run created. */
export default async function globalTeardown(): Promise<void> {
  (globalThis as { __s3rver?: ChildProcess }).__s3rver?.kill('SIGTERM');
  const adminUrl = process.env.TEST_DATABASE_URL;
  const runId = process.env.TEST_RUN_ID;
  if (!adminUrl || !runId) {
    return;
  }
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `kh_test_${runId}_%`,
    ]);
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
