import request from 'supertest';
import { loginRequest, PASSWORD, registerRequest } from 'test/utils/accounts';
import { createTestHub, TestHub } from 'test/utils/test-hub';

function sessionCookieOf(response: request.Response): string {
  const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  const cookie = cookies.find((line) => line.startsWith('kohaku_session='));
  if (!cookie) {
    throw new Error(`no kohaku_session cookie in ${JSON.stringify(cookies)}`);
  }
  return cookie;
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

describe('accounts: register, login, sessions, password change', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await createTestHub({
      env: { KOHAKU_HUB_BCRYPT_COST: '10', KOHAKU_HUB_LOGIN_ATTEMPTS_PER_IP: '1000' },
    });
  });

  afterAll(async () => {
    await hub.close();
  });

  function register(username: string, email?: string, password?: string) {
    return registerRequest(hub, username, { email, password });
  }

  function login(username: string, password?: string) {
    return loginRequest(hub, username, password);
  }

  it('should register an account and report that no verification mail was sent without SMTP', async () => {
    const response = await register('alice', 'Alice@Example.com').expect(201);
    expect(response.body).toEqual({
      user: {
        id: expect.any(Number),
        username: 'alice',
        email: 'alice@example.com',
        emailVerified: false,
        isAdmin: false,
        fullName: null,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      },
      emailVerificationSent: false,
    });
  });

  it('should refuse taken names, taken emails and bad input with clear 4xx answers', async () => {
    await register('bob').expect(201);
    const sameName = await register('BOB', 'other@example.com').expect(409);
    expect(sameName.headers['x-error-code']).toBe('Conflict');
    expect(sameName.body.error).toContain('already taken');
    const sameEmail = await register('bobby', 'BOB@example.com').expect(409);
    expect(sameEmail.body.error).toBe('The email address bob@example.com is already registered');
    const badName = await register('-bad-', 'bad@example.com').expect(400);
    expect(badName.body.error).toMatch(/^Name "-bad-" may contain only/);
    const reserved = await register('admin', 'admin@example.com').expect(400);
    expect(reserved.body.error).toBe('Name "admin" is reserved');
    const shortPassword = await register('carol', 'carol@example.com', 'short').expect(400);
    expect(shortPassword.body.error).toBe('Password must be at least 8 characters long');
    const longPassword = await register('carol', 'carol@example.com', 'é'.repeat(40)).expect(400);
    expect(longPassword.body.error).toContain('at most 72 bytes');
    const badEmail = await register('carol', 'not-an-email').expect(400);
    expect(badEmail.body.error).toBe('email must be a valid email address');
    const missing = await request(hub.url).post('/api/auth/register').send({}).expect(400);
    expect(missing.headers['x-error-code']).toBe('BadRequest');
    expect(missing.body.error).toContain('username is required');
  });

  it('should log in by username or email, set the session cookie and serve /me with it', async () => {
    const response = await login('alice').expect(200);
    expect(response.body).toEqual({
      token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      expiresAt: expect.stringMatching(/Z$/),
      user: expect.objectContaining({ username: 'alice', email: 'alice@example.com' }),
    });
    const ttlSeconds = hub.config.auth.sessionTtlHours * 3600;
    const expiresInSeconds = (Date.parse(response.body.expiresAt) - Date.now()) / 1000;
    expect(Math.abs(expiresInSeconds - ttlSeconds)).toBeLessThan(60);
    const cookie = sessionCookieOf(response);
    expect(cookie).toContain(`kohaku_session=${response.body.token}`);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toContain(`Max-Age=${ttlSeconds}`);
    expect(cookie).not.toMatch(/; Secure/);

    const byCookie = await request(hub.url).get('/api/auth/me').set('Cookie', cookie.split(';')[0]).expect(200);
    expect(byCookie.body).toMatchObject({ username: 'alice', isAdmin: false });
    const byBearer = await request(hub.url)
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${response.body.token}`)
      .expect(200);
    expect(byBearer.body.id).toBe(byCookie.body.id);

    const byEmail = await request(hub.url)
      .post('/api/auth/login')
      .send({ email: 'ALICE@example.com', password: PASSWORD })
      .expect(200);
    expect(byEmail.body.user.username).toBe('alice');
    const emailInUsernameField = await login('alice@example.com').expect(200);
    expect(emailInUsernameField.body.user.username).toBe('alice');
  });

  it('should answer an unknown user and a wrong password identically, in similar time', async () => {
    const wrongPassword = await login('alice', 'wrong password!').expect(401);
    const unknownUser = await login('nobody-here', 'wrong password!').expect(401);
    for (const header of ['x-error-code', 'x-error-message', 'content-type']) {
      expect(unknownUser.headers[header]).toBe(wrongPassword.headers[header]);
    }
    expect(unknownUser.body).toEqual(wrongPassword.body);
    expect(unknownUser.body).toEqual({ error: 'Invalid username or password' });

    const timeOf = async (username: string): Promise<number> => {
      const started = process.hrtime.bigint();
      await login(username, 'wrong password!').expect(401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 3; round++) {
      known.push(await timeOf('alice'));
      unknown.push(await timeOf(`ghost${round}`));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[1];
    // Both paths run one bcrypt comparison; an unknown name must not answer markedly faster.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });

  it('should end the session on logout: the JWT and the cookie stop working at once', async () => {
    const session = await login('alice').expect(200);
    const cookie = sessionCookieOf(session).split(';')[0];
    const logout = await request(hub.url).post('/api/auth/logout').set('Cookie', cookie).expect(200);
    expect(logout.body).toEqual({ message: 'Logged out' });
    expect(sessionCookieOf(logout)).toMatch(/^kohaku_session=;.*Expires=Thu, 01 Jan 1970/);
    const byBearer = await request(hub.url)
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${session.body.token}`)
      .expect(401);
    expect(byBearer.headers['x-error-message']).toBe('Invalid credentials in Authorization header');
    const byCookie = await request(hub.url).get('/api/auth/me').set('Cookie', cookie).expect(401);
    expect(byCookie.headers['x-error-code']).toBe('Unauthorized');
  });

  it('should refuse forged, malformed and missing credentials with 401', async () => {
    const session = await login('alice').expect(200);
    const [header, payload] = session.body.token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    const forgedResponse = await request(hub.url).get('/api/auth/me').set('Authorization', `Bearer ${forged}`);
    expect(forgedResponse.status).toBe(401);
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    await request(hub.url).get('/api/auth/me').set('Authorization', `Bearer ${unsigned}`).expect(401);
    const malformed = await request(hub.url).get('/api/auth/me').set('Authorization', 'Negotiate abc').expect(401);
    expect(malformed.headers['x-error-message']).toBe('Invalid credentials in Authorization header');
    const none = await request(hub.url).get('/api/auth/me').expect(401);
    expect(none.body.error).toMatch(/^Authentication required/);
    // Anonymous (✗) routes ignore credentials, even invalid ones.
    await request(hub.url).get('/api/version').set('Authorization', `Bearer ${forged}`).expect(200);
  });

  it('should accept the account password over HTTP Basic, as git sends it', async () => {
    const ok = await request(hub.url).get('/api/whoami-v2').set('Authorization', basic('alice', PASSWORD)).expect(200);
    expect(ok.body).toMatchObject({ name: 'alice', auth: { type: 'session', accessToken: { role: 'write' } } });
    const wrong = await request(hub.url)
      .get('/api/whoami-v2')
      .set('Authorization', basic('alice', 'not the password'))
      .expect(401);
    expect(wrong.headers['x-error-message']).toBe('Invalid credentials in Authorization header');
  });

  it('should change the password, keep the current session and revoke the others', async () => {
    await register('dave').expect(201);
    const current = (await login('dave').expect(200)).body.token as string;
    const other = (await login('dave').expect(200)).body.token as string;
    const wrong = await request(hub.url)
      .put('/api/auth/password')
      .set('Authorization', `Bearer ${current}`)
      .send({ currentPassword: 'not my password', newPassword: 'a brand new password' })
      .expect(403);
    expect(wrong.body.error).toBe('The current password is incorrect');
    const tooShort = await request(hub.url)
      .put('/api/auth/password')
      .set('Authorization', `Bearer ${current}`)
      .send({ currentPassword: PASSWORD, newPassword: 'short' })
      .expect(400);
    expect(tooShort.body.error).toBe('New password must be at least 8 characters long');

    const changed = await request(hub.url)
      .put('/api/auth/password')
      .set('Authorization', `Bearer ${current}`)
      .send({ currentPassword: PASSWORD, newPassword: 'a brand new password' })
      .expect(200);
    expect(changed.body).toEqual({ message: expect.any(String), revokedSessions: 1 });
    await request(hub.url).get('/api/auth/me').set('Authorization', `Bearer ${current}`).expect(200);
    await request(hub.url).get('/api/auth/me').set('Authorization', `Bearer ${other}`).expect(401);
    await login('dave', PASSWORD).expect(401);
    await login('dave', 'a brand new password').expect(200);
  });

  it('should refuse logout for API-token callers with a message pointing at token revocation', async () => {
    const session = (await login('bob').expect(200)).body.token as string;
    const created = await request(hub.url)
      .post('/api/auth/tokens/create')
      .set('Authorization', `Bearer ${session}`)
      .send({ name: 'cli' })
      .expect(201);
    const response = await request(hub.url)
      .post('/api/auth/logout')
      .set('Authorization', `Bearer ${created.body.token}`)
      .expect(400);
    expect(response.body.error).toContain('DELETE /api/auth/tokens/{token_id}');
  });
});
