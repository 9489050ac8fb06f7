import request from 'supertest';
import { InvitationCreatedResponseDto } from 'src/org/invitations.dto';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import {
  ACCOUNT_TEST_ENV,
  bearer,
  createOrg,
  login,
  loginRequest,
  memberRole,
  registerRequest,
  siteAdmin,
  TestAccount,
} from 'test/utils/accounts';

describe('registration invitations (KOHAKU_HUB_REGISTRATION=invitation)', () => {
  let hub: TestHub;
  let admin: TestAccount;

  beforeAll(async () => {
    hub = await createTestHub({ env: { ...ACCOUNT_TEST_ENV, KOHAKU_HUB_REGISTRATION: 'invitation' } });
    admin = await siteAdmin(hub);
    await createOrg(hub, admin, 'acme');
  });

  afterAll(async () => {
    await hub.close();
  });

  async function accountInvitation(body: Record<string, unknown>): Promise<InvitationCreatedResponseDto> {
    const response = await request(hub.url)
      .post('/api/invitations/register/create')
      .set(bearer(admin.token))
      .send(body)
      .expect(200);
    return response.body;
  }

  function register(username: string, invitationToken?: string, email?: string): request.Test {
    return registerRequest(hub, username, { invitationToken, email });
  }

  async function usageCount(token: string): Promise<number> {
    return (await request(hub.url).get(`/api/invitations/${token}`).expect(200)).body.usage_count as number;
  }

  it('should let a site administrator create an account invitation into an organisation', async () => {
    const body = await accountInvitation({ org_name: 'acme', role: 'write' });
    expect(body).toMatchObject({
      success: true,
      action: 'register_account',
      org_name: 'acme',
      role: 'write',
      invitation_link: `${hub.url}/invite/${body.token}`,
      max_usage: null,
      is_reusable: false,
    });
    const details = await request(hub.url).get(`/api/invitations/${body.token}`).expect(200);
    expect(details.body).toMatchObject({ action: 'register_account', org_name: 'acme', role: 'write' });
  });

  it('should register with the invitation, join its organisation and use it up', async () => {
    const { token } = await accountInvitation({ org_name: 'acme', role: 'contributor' });
    await register('newbie', token).expect(201);
    expect(await memberRole(hub, 'acme', 'newbie')).toBe('contributor');
    await expect(login(hub, 'newbie')).resolves.toEqual(expect.any(String));
    const again = await register('second', token).expect(410);
    expect(again.body.error).toBe('This invitation has already been used');
    await request(hub.url).get('/org/users/second/orgs').expect(404);
  });

  it('should refuse registrations without a valid account invitation', async () => {
    const none = await register('nobody').expect(403);
    expect(none.body.error).toMatch(/needs an invitation/);
    await register('bogus', 'not-a-real-token').expect(403);
    const orgInvite = await request(hub.url)
      .post('/api/invitations/org/acme/create')
      .set(bearer(admin.token))
      .send({ role: 'read' })
      .expect(200);
    const refused = await register('sneaky', orgInvite.body.token).expect(403);
    expect(refused.body.error).toMatch(/not an account invitation/);
    await request(hub.url).get('/org/users/sneaky/orgs').expect(404);
  });

  it('should enforce the email binding', async () => {
    const { token } = await accountInvitation({ email: 'Bound@Example.com' });
    const wrong = await register('wrong-mail', token, 'other@example.com').expect(403);
    expect(wrong.body.error).toMatch(/different email address/);
    await register('bound', token, 'bound@example.com').expect(201);
    const orgs = await request(hub.url).get('/org/users/bound/orgs').expect(200);
    expect(orgs.body.organizations).toEqual([]);
  });

  it('should not spend a use on a registration refused for another reason', async () => {
    const { token } = await accountInvitation({});
    await register('taken-name', token).expect(201);
    const { token: second } = await accountInvitation({});
    const taken = await register('taken-name', second, 'fresh@example.com').expect(409);
    expect(taken.headers['x-error-code']).toBe('Conflict');
    expect(await usageCount(second)).toBe(0);
    await register('fresh', second, 'fresh@example.com').expect(201);
    expect(await usageCount(second)).toBe(1);
  });

  it('should create exactly one account when many people register with one single-use invitation at once', async () => {
    const { token } = await accountInvitation({ org_name: 'acme', role: 'read' });
    const names = ['race1', 'race2', 'race3', 'race4', 'race5'];
    const responses = await Promise.all(names.map((name) => register(name, token)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status !== 201).every((status) => status === 410)).toBe(true);
    const members = (await request(hub.url).get('/org/acme/members').expect(200)).body.members as { user: string }[];
    expect(members.filter((member) => names.includes(member.user))).toHaveLength(1);
    const logins = await Promise.all(names.map((username) => loginRequest(hub, username)));
    expect(logins.filter((response) => response.status === 200)).toHaveLength(1);
    expect(await usageCount(token)).toBe(1);
  });

  it('should refuse an account invitation on the accept route', async () => {
    const { token } = await accountInvitation({ org_name: 'acme' });
    const response = await request(hub.url).post(`/api/invitations/${token}/accept`).set(bearer(admin.token));
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/register with it instead/);
  });

  it('should keep account invitations to site administrators', async () => {
    const { token } = await accountInvitation({});
    await register('plainuser', token).expect(201);
    const user = await login(hub, 'plainuser');
    await request(hub.url).post('/api/invitations/register/create').send({}).expect(401);
    await request(hub.url).post('/api/invitations/register/create').set(bearer(user)).send({}).expect(403);
    const { token: another, id } = await accountInvitation({});
    await request(hub.url).delete(`/api/invitations/${another}`).set(bearer(user)).expect(403);
    await request(hub.url).delete(`/api/invitations/${id}`).set(bearer(admin.token)).expect(200);
    await register('too-late', another).expect(410);
  });

  it('should refuse a role without an organisation and an unknown organisation', async () => {
    const noOrg = await request(hub.url)
      .post('/api/invitations/register/create')
      .set(bearer(admin.token))
      .send({ role: 'write' })
      .expect(400);
    expect(noOrg.body.error).toMatch(/role needs org_name/);
    await request(hub.url)
      .post('/api/invitations/register/create')
      .set(bearer(admin.token))
      .send({ org_name: 'no-such-org' })
      .expect(404);
    await request(hub.url)
      .post('/api/invitations/register/create')
      .set(bearer(admin.token))
      .send({ org_name: 'acme', role: 'boss' })
      .expect(400);
  });
});
