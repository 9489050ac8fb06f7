import request from 'supertest';
import {
  ACCOUNT_TEST_ENV,
  apiToken,
  bearer,
  createOrg,
  newAccount,
  newAccounts,
  PASSWORD,
  siteAdmin,
  TestAccount,
} from 'test/utils/accounts';
import { smtpTestEnv, startSmtpSink, SmtpSink, verificationLinkIn } from 'test/utils/smtp-sink';
import { createTestHub, TestHub } from 'test/utils/test-hub';

describe('user settings: PUT /api/users/{username}/settings', () => {
  let hub: TestHub;
  let alice: TestAccount;
  let bob: TestAccount;
  let admin: TestAccount;

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    [alice, bob] = await newAccounts(hub, 'alice', 'bob');
    admin = await siteAdmin(hub);
    await createOrg(hub, alice, 'acme');
  });

  afterAll(async () => {
    await hub.close();
  });

  const put = (username: string, token: string, body: Record<string, unknown>) =>
    request(hub.url).put(`/api/users/${username}/settings`).set(bearer(token)).send(body);

  it('should change the profile fields sent and return the result', async () => {
    const response = await put('alice', alice.token, {
      full_name: '  Alice Liddell ',
      bio: 'Down the rabbit hole',
      website: 'https://alice.example/about',
    }).expect(200);
    expect(response.body).toEqual({
      success: true,
      message: 'User settings updated successfully',
      username: 'alice',
      full_name: 'Alice Liddell',
      bio: 'Down the rabbit hole',
      website: 'https://alice.example/about',
      email: 'alice@example.com',
      email_verified: false,
      email_verification_sent: false,
    });
    const me = await request(hub.url).get('/api/auth/me').set(bearer(alice.token)).expect(200);
    expect(me.body.fullName).toBe('Alice Liddell');
  });

  it('should accept fullName too, keep fields not sent, and clear fields sent empty', async () => {
    const renamed = await put('alice', alice.token, { fullName: 'A. Liddell' }).expect(200);
    expect(renamed.body).toMatchObject({ full_name: 'A. Liddell', bio: 'Down the rabbit hole' });
    const cleared = await put('alice', alice.token, { bio: '', website: null }).expect(200);
    expect(cleared.body).toMatchObject({ full_name: 'A. Liddell', bio: null, website: null });
    const conflicting = await put('alice', alice.token, { fullName: 'A', full_name: 'B' }).expect(400);
    expect(conflicting.body.error).toContain('full_name and fullName');
  });

  it('should change the email, require verification again, and allow logging in with it', async () => {
    const response = await put('alice', alice.token, { email: 'Alice.New@Example.com' }).expect(200);
    expect(response.body).toMatchObject({ email: 'alice.new@example.com', email_verified: false });
    const login = await request(hub.url)
      .post('/api/auth/login')
      .send({ email: 'alice.new@example.com', password: PASSWORD })
      .expect(200);
    expect(login.body.user.username).toBe('alice');
  });

  it('should refuse an email another account uses with 409', async () => {
    const response = await put('alice', alice.token, { email: 'BOB@example.com' }).expect(409);
    expect(response.headers['x-error-code']).toBe('Conflict');
    expect(response.body.error).toBe('This email address is already used by another account');
  });

  it('should refuse malformed values with 400 and a readable message', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ email: 'not-an-email' }, 'email must be a valid email address'],
      [{ email: '' }, 'email must be a valid email address'],
      [{ email: null }, 'email must be a valid email address'],
      [{ website: 'ftp://files.example' }, 'website must be an http:// or https:// URL'],
      [{ website: 'javascript:alert(1)' }, 'website must be an http:// or https:// URL'],
      [{ full_name: 'x'.repeat(201) }, 'full_name must be shorter than or equal to 200 characters'],
      [{ bio: 42 }, 'bio must be a string'],
    ];
    for (const [body, message] of cases) {
      const response = await put('alice', alice.token, body);
      expect({ status: response.status, code: response.headers['x-error-code'] }).toEqual({
        status: 400,
        code: 'BadRequest',
      });
      expect(response.body.error).toContain(message);
    }
  });

  it('should let only the user themself or a site administrator change the settings', async () => {
    const forbidden = await put('alice', bob.token, { bio: 'hacked' }).expect(403);
    expect(forbidden.body.error).toBe('You can only change your own settings');
    await request(hub.url).put('/api/users/alice/settings').send({ bio: 'anon' }).expect(401);
    await put('alice', await apiToken(hub, alice, 'read'), { bio: 'read only' }).expect(403);
    const byAdmin = await put('alice', admin.token, { bio: 'set by an admin' }).expect(200);
    expect(byAdmin.body.bio).toBe('set by an admin');
  });

  it('should answer 404 for unknown users and for organizations', async () => {
    await put('nobody', admin.token, { bio: 'x' }).expect(404);
    await put('acme', admin.token, { bio: 'x' }).expect(404);
  });
});

describe('user settings with SMTP configured: a new email address is verified by mail', () => {
  let sink: SmtpSink;
  let hub: TestHub;

  beforeAll(async () => {
    sink = await startSmtpSink();
    hub = await createTestHub({ env: { ...ACCOUNT_TEST_ENV, ...smtpTestEnv(sink) } });
  });

  afterAll(async () => {
    await hub.close();
    await sink.close();
  });

  it('should mail a link to the new address that verifies it', async () => {
    const dora = await newAccount(hub, 'dora');
    const registrationLink = verificationLinkIn((await sink.nextMessage()).data);
    await request(hub.url).get(`${registrationLink.pathname}${registrationLink.search}`).expect(200);
    const auth = bearer(dora.token);
    expect((await request(hub.url).get('/api/auth/me').set(auth).expect(200)).body.emailVerified).toBe(true);

    const changed = await request(hub.url)
      .put('/api/users/dora/settings')
      .set(auth)
      .send({ email: 'dora.new@example.com' })
      .expect(200);
    expect(changed.body).toMatchObject({ email_verified: false, email_verification_sent: true });
    const mail = await sink.nextMessage();
    expect(mail.to).toEqual(['dora.new@example.com']);
    const link = verificationLinkIn(mail.data);
    await request(hub.url).get(`${link.pathname}${link.search}`).expect(200);
    const me = await request(hub.url).get('/api/auth/me').set(auth).expect(200);
    expect(me.body).toMatchObject({ email: 'dora.new@example.com', emailVerified: true });

    const unchanged = await request(hub.url).put('/api/users/dora/settings').set(auth).send({ bio: 'hi' }).expect(200);
    expect(unchanged.body).toMatchObject({ email_verified: true, email_verification_sent: false });
  });
});

describe('name check: POST /api/validate/check-name', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    await createOrg(hub, await newAccount(hub, 'alice'), 'acme-labs');
  });

  afterAll(async () => {
    await hub.close();
  });

  const check = (body: Record<string, unknown>) => request(hub.url).post('/api/validate/check-name').send(body);

  it('should answer the seed example for a free repository name', async () => {
    const response = await check({ name: 'my-new-repo', namespace: 'acme-labs', type: 'model' }).expect(200);
    expect(response.body).toEqual({
      available: true,
      normalized_name: 'my_new_repo',
      conflict_with: null,
      message: 'Repository name is available',
    });
  });

  it('should call invalid repository names and unknown namespaces unavailable, with the reason', async () => {
    const invalid = await check({ name: 'bad--name', namespace: 'acme-labs', type: 'dataset' }).expect(200);
    expect(invalid.body).toEqual({
      available: false,
      normalized_name: 'bad__name',
      conflict_with: null,
      message: 'Repository name must not contain "--" or ".."',
    });
    const gitSuffix = await check({ name: 'model.git', namespace: 'acme-labs', type: 'space' }).expect(200);
    expect(gitSuffix.body).toMatchObject({ available: false, message: 'Repository name must not end with ".git"' });
    const tooLong = await check({ name: 'x'.repeat(97), namespace: 'acme-labs' }).expect(200);
    expect(tooLong.body).toMatchObject({
      available: false,
      message: 'Repository name must be 1 to 96 characters long',
    });
    const ghost = await check({ name: 'repo', namespace: 'ghost', type: 'model' }).expect(200);
    expect(ghost.body).toMatchObject({ available: false, message: 'Namespace ghost does not exist' });
  });

  it('should report user and organization names that collide after normalisation', async () => {
    const user = await check({ name: 'ALICE' }).expect(200);
    expect(user.body).toEqual({
      available: false,
      normalized_name: 'alice',
      conflict_with: 'alice',
      message: 'Name conflicts with existing user: alice (case-insensitive)',
    });
    const org = await check({ name: 'ACME_labs' }).expect(200);
    expect(org.body).toMatchObject({ available: false, conflict_with: 'acme-labs' });
    expect(org.body.message).toBe('Name conflicts with existing organization: acme-labs (case-insensitive)');
  });

  it('should report free, invalid and reserved user names', async () => {
    const free = await check({ name: 'New-User' }).expect(200);
    expect(free.body).toEqual({
      available: true,
      normalized_name: 'new_user',
      conflict_with: null,
      message: 'Name is available',
    });
    const short = await check({ name: 'x' }).expect(200);
    expect(short.body).toMatchObject({ available: false, message: 'Name must be 2 to 42 characters long' });
    const reserved = await check({ name: 'Admin' }).expect(200);
    expect(reserved.body).toMatchObject({ available: false, message: 'Name is reserved' });
    const empty = await check({ name: '', namespace: '' }).expect(200);
    expect(empty.body).toMatchObject({ available: false, normalized_name: '' });
  });

  it('should need no credentials and ignore any that are sent', async () => {
    await check({ name: 'free-name' }).set('Authorization', 'Bearer hf_garbage').expect(200);
  });

  it('should refuse malformed requests with 400', async () => {
    const missing = await check({}).expect(400);
    expect(missing.headers['x-error-code']).toBe('BadRequest');
    expect(missing.body.error).toContain('name must be a string');
    const badType = await check({ name: 'x', namespace: 'acme-labs', type: 'models' }).expect(400);
    expect(badType.body.error).toContain('type must be one of the following values: model, dataset, space');
    const typeAlone = await check({ name: 'xyz', type: 'model' }).expect(400);
    expect(typeAlone.body.error).toContain('send the namespace');
  });
});
