import request from 'supertest';
import { TestHub } from 'test/utils/test-hub';

export const PASSWORD = 'correct horse battery';
export const SITE_ADMIN = { username: 'siteadmin', password: 'site admin password', email: 'siteadmin@example.com' };

/** Fast hashing, a generous login limit (every test logs in from 127.0.0.1) and a site administrator. */
export const ACCOUNT_TEST_ENV: Record<string, string> = {
  KOHAKU_HUB_BCRYPT_COST: '10',
  KOHAKU_HUB_LOGIN_ATTEMPTS_PER_IP: '10000',
  KOHAKU_HUB_LOGIN_ATTEMPTS_PER_USERNAME: '10000',
  KOHAKU_HUB_ADMIN_USERNAME: SITE_ADMIN.username,
  KOHAKU_HUB_ADMIN_PASSWORD: SITE_ADMIN.password,
  KOHAKU_HUB_ADMIN_EMAIL: SITE_ADMIN.email,
};

export interface TestAccount {
  username: string;
  email: string;
  /** A session JWT, sent as a Bearer token. */
  token: string;
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

export async function login(hub: TestHub, username: string, password = PASSWORD): Promise<string> {
  const response = await request(hub.url).post('/api/auth/login').send({ username, password });
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`login of ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body.token as string;
}

/** Registers through the accounts API and signs in. */
export async function newAccount(
  hub: TestHub,
  username: string,
  email = `${username}@example.com`,
): Promise<TestAccount> {
  const response = await request(hub.url).post('/api/auth/register').send({ username, email, password: PASSWORD });
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`registration of ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return { username, email, token: await login(hub, username) };
}

export async function siteAdmin(hub: TestHub): Promise<TestAccount> {
  return { ...SITE_ADMIN, token: await login(hub, SITE_ADMIN.username, SITE_ADMIN.password) };
}

/** An API token of the given role, minted with the account's session. */
export async function apiToken(hub: TestHub, account: TestAccount, role: 'read' | 'write'): Promise<string> {
  const response = await request(hub.url)
    .post('/api/auth/tokens/create')
    .set(bearer(account.token))
    .send({ name: `${role}-token`, role });
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`token creation failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body.token as string;
}

export async function createOrg(hub: TestHub, account: TestAccount, name: string): Promise<void> {
  await request(hub.url).post('/org/create').set(bearer(account.token)).send({ name }).expect(200);
}
