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

export interface RegistrationFields {
  /** `<username>@example.com` unless given. */
  email?: string;
  /** PASSWORD unless given. */
  password?: string;
  invitationToken?: string;
}

/** POST /api/auth/register, unchecked: for tests that look at the answer themselves. */
export function registerRequest(
  hub: TestHub,
  username: string,
  { email = `${username}@example.com`, password = PASSWORD, invitationToken }: RegistrationFields = {},
): request.Test {
  return request(hub.url).post('/api/auth/register').send({ username, email, password, invitationToken });
}

/** POST /api/auth/login by username, unchecked: for tests that look at the answer themselves. */
export function loginRequest(hub: TestHub, username: string, password = PASSWORD): request.Test {
  return request(hub.url).post('/api/auth/login').send({ username, password });
}

function expectStatus(response: request.Response, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(`${what} failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
}

/** Signs in (expecting 200) and returns the session token. */
export async function login(hub: TestHub, username: string, password = PASSWORD): Promise<string> {
  const response = await loginRequest(hub, username, password);
  expectStatus(response, 200, `login of ${username}`);
  return response.body.token as string;
}

/** Registers through the accounts API (expecting 201) and signs in. */
export async function newAccount(
  hub: TestHub,
  username: string,
  email = `${username}@example.com`,
): Promise<TestAccount> {
  expectStatus(await registerRequest(hub, username, { email }), 201, `registration of ${username}`);
  return { username, email, token: await login(hub, username) };
}

/** Registers and signs in the named accounts one after the other, in that order. */
export async function newAccounts(hub: TestHub, ...usernames: string[]): Promise<TestAccount[]> {
  const accounts: TestAccount[] = [];
  for (const username of usernames) {
    accounts.push(await newAccount(hub, username));
  }
  return accounts;
}

export async function siteAdmin(hub: TestHub): Promise<TestAccount> {
  return { ...SITE_ADMIN, token: await login(hub, SITE_ADMIN.username, SITE_ADMIN.password) };
}

/** An API token of the given role, minted (expecting 201) with the account's session. */
export async function apiToken(hub: TestHub, account: TestAccount, role: 'read' | 'write'): Promise<string> {
  const response = await request(hub.url)
    .post('/api/auth/tokens/create')
    .set(bearer(account.token))
    .send({ name: `${role}-token`, role });
  expectStatus(response, 201, 'token creation');
  return response.body.token as string;
}

export async function createOrg(hub: TestHub, account: TestAccount, name: string): Promise<void> {
  await request(hub.url).post('/org/create').set(bearer(account.token)).send({ name }).expect(200);
}

/** Adds `username` to the organisation with `role`, as `admin` (an org admin or a site administrator). */
export async function addMember(
  hub: TestHub,
  admin: TestAccount,
  org: string,
  username: string,
  role: string,
): Promise<void> {
  await request(hub.url).post(`/org/${org}/members`).set(bearer(admin.token)).send({ username, role }).expect(200);
}

/** The organisation's members and their roles, as the anonymous GET /org/{org}/members lists them. */
export async function orgRoles(hub: TestHub, org: string): Promise<Record<string, string>> {
  const response = await request(hub.url).get(`/org/${org}/members`).expect(200);
  return Object.fromEntries(
    (response.body.members as { user: string; role: string }[]).map((member) => [member.user, member.role]),
  );
}

/** The role of `username` in the organisation, or undefined when not a member. */
export async function memberRole(hub: TestHub, org: string, username: string): Promise<string | undefined> {
  const roles = await orgRoles(hub, org);
  return Object.hasOwn(roles, username) ? roles[username] : undefined;
}
