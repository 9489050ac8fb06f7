import { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createHubApp } from 'src/app.setup';
import { HubConfig } from 'src/config/hub-config';

export interface TestHub {
  app: NestExpressApplication;
  /** Base URL of the listening hub, e.g. http://127.0.0.1:40123 */
  url: string;
  config: HubConfig;
  dataDir: string;
  close(): Promise<void>;
}

export interface TestHubOptions {
  storage?: 'fs' | 's3';
  env?: Record<string, string>;
}

/** S3 settings for the run's s3rver (started by the global setup) with a bucket of one's own. */
export function s3TestEnv(bucketHint: string): Record<string, string> {
  const endpoint = process.env.TEST_S3_ENDPOINT;
  if (!endpoint) {
    throw new Error('TEST_S3_ENDPOINT is not set: the jest global setup starts s3rver');
  }
  const suffix = randomBytes(4).toString('hex');
  return {
    KOHAKU_HUB_STORAGE: 's3',
    KOHAKU_HUB_S3_ENDPOINT: endpoint,
    KOHAKU_HUB_S3_ACCESS_KEY: 'S3RVER',
    KOHAKU_HUB_S3_SECRET_KEY: 'S3RVER',
    KOHAKU_HUB_S3_REGION: 'us-east-1',
    KOHAKU_HUB_S3_BUCKET: `kh-${bucketHint}-${suffix}`.toLowerCase().slice(0, 63),
  };
}

/**
 * A fresh database for one test hub: a new Postgres database when TEST_DATABASE_URL is set
 * (dropped by the global teardown), otherwise a SQLite file in the hub's data folder.
 */
export async function createTestDatabaseUrl(dataDir: string): Promise<string> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    return `sqlite:${join(dataDir, 'hub.db')}`;
  }
  const name = `kh_test_${process.env.TEST_RUN_ID ?? 'adhoc'}_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Boots the whole hub on a free loopback port with its own data folder, database and (optionally) bucket. */
export async function createTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kohaku-hub-test-'));
  const env: Record<string, string> = {
    KOHAKU_HUB_DATA_DIR: dataDir,
    KOHAKU_HUB_LOG_LEVEL: 'silent',
    KOHAKU_HUB_DATABASE_URL: await createTestDatabaseUrl(dataDir),
    ...(options.storage === 's3' ? s3TestEnv('hub') : {}),
    ...options.env,
  };
  const app = await createHubApp(env);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    config: app.get(HubConfig),
    dataDir,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
