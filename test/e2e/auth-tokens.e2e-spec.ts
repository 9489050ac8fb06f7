import { whoAmI } from '@huggingface/hub';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AccessTokenEntity } from 'src/auth/access-token.entity';
import { OrgMembershipEntity } from 'src/auth/org-membership.entity';
import { UserEntity } from 'src/auth/user.entity';
import { UsersService } from 'src/auth/users.service';
import { newAccount } from 'test/utils/accounts';
import { runPython } from 'test/utils/python';
import { createTestHub, TestHub } from 'test/utils/test-hub';

const TOKEN_PATTERN = /^hf_[A-Za-z0-9]{37}$/;

describe('API tokens, whoami-v2 and the official clients', () => {
  let hub: TestHub;
  let session: string;
  let otherSession: string;

  async function mint(bearer: string, body: Record<string, unknown>): Promise<{ id: number; token: string }> {
    const response = await request(hub.url)
      .post('/api/auth/tokens/create')
      .set('Authorization', `Bearer ${bearer}`)
      .send(body)
      .expect(201);
    return response.body as { id: number; token: string };
  }

  function whoami(bearer: string) {
    return request(hub.url).get('/api/whoami-v2').set('Authorization', `Bearer ${bearer}`);
  }

  beforeAll(async () => {
    hub = await createTestHub({ env: { KOHAKU_HUB_BCRYPT_COST: '10' } });
    session = (await newAccount(hub, 'tina')).token;
    otherSession = (await newAccount(hub, 'oscar')).token;
  });

  afterAll(async () => {
    await hub.close();
  });

  it('should mint a write token by default, show its secret once and list it without the secret', async () => {
    const created = await request(hub.url)
      .post('/api/auth/tokens/create')
      .set('Authorization', `Bearer ${session}`)
      .send({ name: 'laptop' })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      name: 'laptop',
      role: 'write',
      createdAt: expect.stringMatching(/Z$/),
      lastUsed: null,
      expiresAt: null,
      displayPrefix: `${created.body.token.slice(0, 5)}…`,
      token: expect.stringMatching(TOKEN_PATTERN),
    });
    await whoami(created.body.token).expect(200);

    // The last-used time is written after the response, without delaying it: wait for it to land.
    let listed = await request(hub.url).get('/api/auth/tokens').set('Authorization', `Bearer ${session}`).expect(200);
    for (let attempt = 0; attempt < 20 && listed.body[0]?.lastUsed === null; attempt++) {
      await new Promise((wake) => setTimeout(wake, 100));
      listed = await request(hub.url).get('/api/auth/tokens').set('Authorization', `Bearer ${session}`).expect(200);
    }
    const entry = listed.body.find((token: { id: number }) => token.id === created.body.id);
    expect(entry).toEqual({ ...created.body, token: undefined, lastUsed: expect.stringMatching(/Z$/) });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    const other = await request(hub.url)
      .get('/api/auth/tokens')
      .set('Authorization', `Bearer ${otherSession}`)
      .expect(200);
    expect(other.body).toEqual([]);

    const stored = await hub.app
      .get(DataSource)
      .getRepository(AccessTokenEntity)
      .findOneByOrFail({ id: created.body.id });
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(created.body.token);
  });

  it('should mint expiring and read-only tokens and validate the request body', async () => {
    const expiring = await mint(session, { name: 'ci', role: 'read', expiresInDays: 7 });
    const listed = await request(hub.url).get('/api/auth/tokens').set('Authorization', `Bearer ${session}`).expect(200);
    const entry = listed.body.find((token: { id: number }) => token.id === expiring.id);
    expect(entry.role).toBe('read');
    const days = (Date.parse(entry.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);

    const bad = [
      [{}, 'name is required'],
      [{ name: 'x', role: 'admin' }, 'role must be "read" or "write"'],
      [{ name: 'x', expiresInDays: 0 }, 'expiresInDays must be at least 1'],
      [{ name: 'x', expiresInDays: 1.5 }, 'expiresInDays must be a whole number of days'],
      [{ name: 'x'.repeat(101) }, 'name must be at most 100 characters long'],
    ] as const;
    for (const [body, message] of bad) {
      const response = await request(hub.url)
        .post('/api/auth/tokens/create')
        .set('Authorization', `Bearer ${session}`)
        .send(body)
        .expect(400);
      expect(response.body.error).toContain(message);
    }
  });

  it('should refuse a read token on write-scoped routes but let it read', async () => {
    const read = await mint(session, { name: 'reader', role: 'read' });
    const refused = await request(hub.url)
      .post('/api/auth/tokens/create')
      .set('Authorization', `Bearer ${read.token}`)
      .send({ name: 'escalated', role: 'read' })
      .expect(403);
    expect(refused.headers['x-error-code']).toBe('Forbidden');
    expect(refused.body.error).toContain('read-only');
    await request(hub.url)
      .delete(`/api/auth/tokens/${read.id}`)
      .set('Authorization', `Bearer ${read.token}`)
      .expect(403);
    await request(hub.url).get('/api/auth/tokens').set('Authorization', `Bearer ${read.token}`).expect(200);
    const me = await whoami(read.token).expect(200);
    expect(me.body.auth).toEqual({
      type: 'access_token',
      accessToken: { displayName: 'reader', role: 'read', createdAt: expect.stringMatching(/Z$/) },
    });
  });

  it('should let a write token mint tokens and accept it over HTTP Basic with any username', async () => {
    const write = await mint(session, { name: 'writer' });
    const child = await mint(write.token, { name: 'child', role: 'read' });
    expect(child.token).toMatch(TOKEN_PATTERN);
    const basic = `Basic ${Buffer.from(`whoever:${write.token}`).toString('base64')}`;
    const response = await request(hub.url).get('/api/whoami-v2').set('Authorization', basic).expect(200);
    expect(response.body.name).toBe('tina');
  });

  it('should revoke only own tokens and reject a revoked token at once', async () => {
    const token = await mint(session, { name: 'short-lived' });
    await whoami(token.token).expect(200);
    const foreign = await request(hub.url)
      .delete(`/api/auth/tokens/${token.id}`)
      .set('Authorization', `Bearer ${otherSession}`)
      .expect(404);
    expect(foreign.body.error).toBe(`Token not found: ${token.id}`);
    await request(hub.url).delete('/api/auth/tokens/abc').set('Authorization', `Bearer ${session}`).expect(400);
    await request(hub.url).delete(`/api/auth/tokens/${token.id}`).set('Authorization', `Bearer ${session}`).expect(200);
    const refused = await whoami(token.token).expect(401);
    expect(refused.headers['x-error-code']).toBe('Unauthorized');
    expect(refused.headers['x-error-message']).toBe('Invalid credentials in Authorization header');
    await request(hub.url).delete(`/api/auth/tokens/${token.id}`).set('Authorization', `Bearer ${session}`).expect(404);
  });

  it('should reject expired tokens and tokens of deactivated users', async () => {
    const dataSource = hub.app.get(DataSource);
    const expired = await mint(session, { name: 'expired', expiresInDays: 1 });
    await dataSource.getRepository(AccessTokenEntity).update(expired.id, { expiresAt: new Date(Date.now() - 1000) });
    await whoami(expired.token).expect(401);

    const victimSession = (await newAccount(hub, 'victor')).token;
    const victimToken = await mint(victimSession, { name: 'any' });
    await whoami(victimToken.token).expect(200);
    await dataSource.getRepository(UserEntity).update({ username: 'victor' }, { isActive: false });
    await whoami(victimToken.token).expect(401);
    await request(hub.url).get('/api/auth/me').set('Authorization', `Bearer ${victimSession}`).expect(401);
  });

  it('should answer whoami-v2 in the Hugging Face shape, orgs and absolute avatar URLs included', async () => {
    const org = await hub.app.get(UsersService).createOrganisation('tina-lab', { fullName: 'Tina Lab' });
    const tina = await hub.app.get(UsersService).getUserByName('tina');
    await hub.app
      .get(DataSource)
      .getRepository(OrgMembershipEntity)
      .insert({ orgId: org.id, userId: tina.id, role: 'admin' });
    const token = await mint(session, { name: 'shape' });
    const response = await whoami(token.token).set('Host', 'hub.example:8080').expect(200);
    expect(response.body).toEqual({
      type: 'user',
      id: String(tina.id),
      name: 'tina',
      fullname: 'tina',
      email: 'tina@example.com',
      emailVerified: false,
      isPro: false,
      canPay: false,
      avatarUrl: 'http://hub.example:8080/api/users/tina/avatar',
      periodEnd: null,
      billingMode: 'prepaid',
      orgs: [
        {
          type: 'org',
          id: String(org.id),
          name: 'tina-lab',
          fullname: 'Tina Lab',
          email: null,
          canPay: false,
          avatarUrl: 'http://hub.example:8080/api/organizations/tina-lab/avatar',
          periodEnd: null,
          roleInOrg: 'admin',
        },
      ],
      auth: {
        type: 'access_token',
        accessToken: { displayName: 'shape', role: 'write', createdAt: expect.stringMatching(/Z$/) },
      },
    });
    const bySession = await whoami(session).expect(200);
    expect(bySession.body.auth).toEqual({
      type: 'session',
      accessToken: { displayName: 'web session', role: 'write', createdAt: expect.stringMatching(/Z$/) },
      expiresAt: expect.stringMatching(/Z$/),
    });
    const anonymous = await request(hub.url).get('/api/whoami-v2').expect(401);
    expect(anonymous.headers['x-error-code']).toBe('Unauthorized');
  });

  it('should work with @huggingface/hub whoAmI, and fail once the token is revoked', async () => {
    const token = await mint(session, { name: 'js-client' });
    const info = await whoAmI({ accessToken: token.token, hubUrl: hub.url });
    expect(info).toMatchObject({ type: 'user', name: 'tina' });
    expect(info.auth).toMatchObject({ accessToken: { displayName: 'js-client', role: 'write' } });
    await request(hub.url).delete(`/api/auth/tokens/${token.id}`).set('Authorization', `Bearer ${session}`).expect(200);
    await expect(whoAmI({ accessToken: token.token, hubUrl: hub.url })).rejects.toMatchObject({
      statusCode: 401,
    });
  });

  describe('with the Python huggingface_hub client', () => {
    let hfHome: string;

    beforeAll(() => {
      hfHome = mkdtempSync(join(tmpdir(), 'kohaku-hf-home-'));
    });

    afterAll(() => {
      rmSync(hfHome, { recursive: true, force: true });
    });

    function python(script: string, token: string) {
      return runPython(script, {
        HF_ENDPOINT: hub.url,
        HF_HUB_DISABLE_TELEMETRY: '1',
        HF_HOME: hfHome,
        KOHAKU_TEST_TOKEN: token,
      });
    }

    const WHOAMI = `
import json, os
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError
try:
    info = HfApi().whoami(token=os.environ["KOHAKU_TEST_TOKEN"])
    print(json.dumps({"ok": True, "name": info["name"], "type": info["type"],
                      "orgs": [org["name"] for org in info["orgs"]],
                      "role": info["auth"]["accessToken"]["role"]}))
except HfHubHTTPError as error:
    print(json.dumps({"ok": False, "error": type(error).__name__, "status": error.response.status_code}))
`;

    const LOGIN = `
import json, os
from huggingface_hub import login, get_token
from huggingface_hub.errors import HfHubHTTPError
try:
    login(token=os.environ["KOHAKU_TEST_TOKEN"], add_to_git_credential=False)
    print(json.dumps({"ok": True, "stored": get_token() == os.environ["KOHAKU_TEST_TOKEN"]}))
except HfHubHTTPError as error:
    print(json.dumps({"ok": False, "error": type(error).__name__, "status": error.response.status_code}))
`;

    it('should whoami and login with a minted token, and fail cleanly with 401 once it is revoked', async () => {
      const token = await mint(session, { name: 'python-client', role: 'read' });

      const who = await python(WHOAMI, token.token);
      expect(who.exitCode).toBe(0);
      expect(JSON.parse(who.stdout)).toEqual({
        ok: true,
        name: 'tina',
        type: 'user',
        orgs: ['tina-lab'],
        role: 'read',
      });

      const login = await python(LOGIN, token.token);
      expect(login.exitCode).toBe(0);
      expect(JSON.parse(login.stdout)).toEqual({ ok: true, stored: true });
      expect(readFileSync(join(hfHome, 'token'), 'utf8').trim()).toBe(token.token);
      expect(readFileSync(join(hfHome, 'stored_tokens'), 'utf8')).toContain('[python-client]');

      await request(hub.url)
        .delete(`/api/auth/tokens/${token.id}`)
        .set('Authorization', `Bearer ${session}`)
        .expect(200);

      const revokedWho = await python(WHOAMI, token.token);
      expect(revokedWho.exitCode).toBe(0);
      expect(JSON.parse(revokedWho.stdout)).toEqual({ ok: false, error: 'HfHubHTTPError', status: 401 });
      const revokedLogin = await python(LOGIN, token.token);
      expect(revokedLogin.exitCode).toBe(0);
      expect(JSON.parse(revokedLogin.stdout)).toEqual({ ok: false, error: 'HfHubHTTPError', status: 401 });
    });
  });
});
