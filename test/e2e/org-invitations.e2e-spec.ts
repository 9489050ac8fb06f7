import { createHash } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { InvitationEntity } from 'src/org/invitation.entity';
import {
  InvitationCreatedResponseDto,
  InvitationDetailsResponseDto,
  InvitationListResponseDto,
} from 'src/org/invitations.dto';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import {
  ACCOUNT_TEST_ENV,
  addMember,
  apiToken,
  bearer,
  createOrg,
  memberRole,
  newAccount,
  newAccounts,
  siteAdmin,
  TestAccount,
} from 'test/utils/accounts';

const DAY = 24 * 60 * 60 * 1000;

describe('organisation invitations', () => {
  let hub: TestHub;
  let alice: TestAccount;
  let bob: TestAccount;
  let carol: TestAccount;

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    [alice, bob, carol] = await newAccounts(hub, 'alice', 'bob', 'carol');
    await createOrg(hub, alice, 'acme');
    await addMember(hub, alice, 'acme', 'bob', 'write');
  });

  afterAll(async () => {
    await hub.close();
  });

  async function invite(
    body: Record<string, unknown>,
    org = 'acme',
    account = alice,
  ): Promise<InvitationCreatedResponseDto> {
    const response = await request(hub.url)
      .post(`/api/invitations/org/${org}/create`)
      .set(bearer(account.token))
      .send(body)
      .expect(200);
    return response.body;
  }

  async function details(token: string): Promise<InvitationDetailsResponseDto> {
    return (await request(hub.url).get(`/api/invitations/${token}`).expect(200)).body;
  }

  describe('create', () => {
    it('should answer the seed fields with a random token and an absolute invitation link', async () => {
      const before = Date.now();
      const body = await invite({ email: 'NewUser@Example.com', role: 'write', max_usage: null, expires_days: 7 });
      expect(body).toEqual({
        success: true,
        id: expect.any(Number),
        token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        invitation_link: `${hub.url}/invite/${body.token}`,
        action: 'join_org',
        org_name: 'acme',
        role: 'write',
        email: 'newuser@example.com',
        expires_at: expect.stringMatching(/Z$/),
        max_usage: null,
        is_reusable: false,
      });
      const expiresIn = Date.parse(body.expires_at) - before;
      expect(Math.abs(expiresIn - 7 * DAY)).toBeLessThan(60_000);
    });

    it('should store only the sha256 of the token', async () => {
      const { token, id } = await invite({ role: 'read' });
      const rows = await hub.app.get(DataSource).getRepository(InvitationEntity).findBy({ id });
      expect(rows).toHaveLength(1);
      expect(rows[0].tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(JSON.stringify(rows[0])).not.toContain(token);
    });

    it('should describe reusable and unlimited invitations as the seed does', async () => {
      await expect(invite({ role: 'read', max_usage: 10, expires_days: 30 })).resolves.toMatchObject({
        max_usage: 10,
        is_reusable: true,
      });
      await expect(invite({ role: 'read', max_usage: -1 })).resolves.toMatchObject({
        max_usage: -1,
        is_reusable: true,
      });
    });

    it('should refuse bad input with 400 and a message naming the field', async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ role: 'member' }, /role must be one of: read, contributor, write, admin/],
        [{}, /role must be one of/],
        [{ role: 'read', max_usage: 0 }, /max_usage must be null \(single use\), a positive number of uses, or -1/],
        [{ role: 'read', max_usage: -5 }, /max_usage/],
        [{ role: 'read', max_usage: 'ten' }, /max_usage/],
        [{ role: 'read', expires_days: 0 }, /expires_days must be a whole number of days from 1 to 365/],
        [{ role: 'read', expires_days: 1000 }, /expires_days/],
        [{ role: 'read', email: 'not-an-email' }, /email must be a valid email address/],
      ];
      for (const [body, message] of cases) {
        const response = await request(hub.url)
          .post('/api/invitations/org/acme/create')
          .set(bearer(alice.token))
          .send(body);
        expect(response.status).toBe(400);
        expect(response.headers['x-error-code']).toBe('BadRequest');
        expect(response.body.error).toMatch(message);
      }
    });

    it('should be reserved to org admins: 401 anonymous, 403 members and outsiders, 404 unknown org', async () => {
      await request(hub.url).post('/api/invitations/org/acme/create').send({ role: 'read' }).expect(401);
      await request(hub.url)
        .post('/api/invitations/org/acme/create')
        .set(bearer(bob.token))
        .send({ role: 'read' })
        .expect(403);
      await request(hub.url)
        .post('/api/invitations/org/acme/create')
        .set(bearer(carol.token))
        .send({ role: 'read' })
        .expect(403);
      await request(hub.url)
        .post('/api/invitations/org/nope-org/create')
        .set(bearer(alice.token))
        .send({ role: 'read' })
        .expect(404);
      const readToken = await apiToken(hub, alice, 'read');
      await request(hub.url)
        .post('/api/invitations/org/acme/create')
        .set(bearer(readToken))
        .send({ role: 'read' })
        .expect(403);
    });
  });

  describe('inspect', () => {
    it('should show the invitation to anyone holding the token, with the email masked', async () => {
      const { token } = await invite({ email: 'newuser@example.com', role: 'contributor', max_usage: 3 });
      const expected = {
        action: 'join_org',
        org_name: 'acme',
        role: 'contributor',
        inviter_username: 'alice',
        email: 'n*****r@example.com',
        expires_at: expect.any(String),
        is_expired: false,
        is_available: true,
        status: 'active',
        error_message: null,
        max_usage: 3,
        usage_count: 0,
        is_reusable: true,
      };
      expect(await details(token)).toEqual(expected);
      // ✗: credentials are not even looked at, so a bad one changes nothing.
      const withBadCredentials = await request(hub.url)
        .get(`/api/invitations/${token}`)
        .set(bearer('hf_bogus'))
        .expect(200);
      expect(withBadCredentials.body).toEqual(expected);
    });

    it('should answer 404 for an unknown token', async () => {
      const response = await request(hub.url).get('/api/invitations/not-a-real-token').expect(404);
      expect(response.headers['x-error-code']).toBe('NotFound');
      expect(response.body.error).toMatch(/Invitation not found/);
    });
  });

  describe('accept', () => {
    it('should add the caller with the invitation role and use the invitation up', async () => {
      const { token } = await invite({ email: 'carol@example.com', role: 'write' });
      const response = await request(hub.url)
        .post(`/api/invitations/${token}/accept`)
        .set(bearer(carol.token))
        .expect(200);
      expect(response.body).toEqual({
        success: true,
        message: 'You joined acme as write',
        org_name: 'acme',
        role: 'write',
      });
      expect(await memberRole(hub, 'acme', 'carol')).toBe('write');
      expect(await details(token)).toMatchObject({ usage_count: 1, is_available: false, status: 'used_up' });
      const again = await request(hub.url).post(`/api/invitations/${token}/accept`).set(bearer(bob.token)).expect(410);
      expect(again.headers['x-error-code']).toBe('Gone');
      expect(again.body.error).toBe('This invitation has already been used');
    });

    it('should refuse with 403 a caller whose email is not the bound one, without using it', async () => {
      const dave = await newAccount(hub, 'dave');
      const { token } = await invite({ email: 'someone.else@example.com', role: 'read' });
      const response = await request(hub.url)
        .post(`/api/invitations/${token}/accept`)
        .set(bearer(dave.token))
        .expect(403);
      expect(response.body.error).toMatch(/different email address/);
      expect(await details(token)).toMatchObject({ usage_count: 0, is_available: true });
      expect(await memberRole(hub, 'acme', 'dave')).toBeUndefined();
    });

    it('should answer 409 to an existing member and not take a use', async () => {
      const { token } = await invite({ role: 'admin', max_usage: 5 });
      const response = await request(hub.url)
        .post(`/api/invitations/${token}/accept`)
        .set(bearer(bob.token))
        .expect(409);
      expect(response.body.error).toBe('You are already a member of acme');
      expect(await details(token)).toMatchObject({ usage_count: 0 });
      expect(await memberRole(hub, 'acme', 'bob')).toBe('write');
    });

    it('should let exactly one of many concurrent callers use a single-use invitation', async () => {
      await createOrg(hub, alice, 'race-org');
      const racers = await newAccounts(hub, 'r1', 'r2', 'r3', 'r4', 'r5', 'r6');
      const { token } = await invite({ role: 'read' }, 'race-org');
      const responses = await Promise.all(
        racers.map((racer) => request(hub.url).post(`/api/invitations/${token}/accept`).set(bearer(racer.token))),
      );
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 410)).toHaveLength(racers.length - 1);
      const members = (await request(hub.url).get('/org/race-org/members').expect(200)).body.members;
      expect(members).toHaveLength(2);
      expect(await details(token)).toMatchObject({ usage_count: 1, status: 'used_up' });
    });

    it('should count uses of a reusable invitation and allow unlimited ones', async () => {
      await createOrg(hub, alice, 'reuse-org');
      const users = await newAccounts(hub, 'u1', 'u2', 'u3');
      const twice = await invite({ role: 'read', max_usage: 2 }, 'reuse-org');
      await request(hub.url).post(`/api/invitations/${twice.token}/accept`).set(bearer(users[0].token)).expect(200);
      await request(hub.url).post(`/api/invitations/${twice.token}/accept`).set(bearer(users[1].token)).expect(200);
      const third = await request(hub.url)
        .post(`/api/invitations/${twice.token}/accept`)
        .set(bearer(users[2].token))
        .expect(410);
      expect(third.body.error).toBe('This invitation has been used the maximum number of times (2)');
      const unlimited = await invite({ role: 'contributor', max_usage: -1 }, 'reuse-org');
      await request(hub.url).post(`/api/invitations/${unlimited.token}/accept`).set(bearer(users[2].token)).expect(200);
      await request(hub.url).post(`/api/invitations/${unlimited.token}/accept`).set(bearer(carol.token)).expect(200);
      expect(await details(unlimited.token)).toMatchObject({ usage_count: 2, is_available: true, max_usage: -1 });
    });

    it('should refuse an expired invitation with 410', async () => {
      const { token, id } = await invite({ role: 'read', max_usage: -1 });
      await hub.app
        .get(DataSource)
        .getRepository(InvitationEntity)
        .update({ id }, { expiresAt: new Date(Date.now() - 60_000) });
      const dave = await newAccount(hub, 'dave2');
      const response = await request(hub.url)
        .post(`/api/invitations/${token}/accept`)
        .set(bearer(dave.token))
        .expect(410);
      expect(response.body.error).toMatch(/^This invitation expired on /);
      expect(await details(token)).toMatchObject({ is_expired: true, is_available: false, status: 'expired' });
    });

    it('should need credentials and a token that may write; unknown tokens are 404', async () => {
      const { token } = await invite({ role: 'read' });
      await request(hub.url).post(`/api/invitations/${token}/accept`).expect(401);
      const readToken = await apiToken(hub, carol, 'read');
      await request(hub.url).post(`/api/invitations/${token}/accept`).set(bearer(readToken)).expect(403);
      await request(hub.url).post('/api/invitations/nope/accept').set(bearer(carol.token)).expect(404);
    });
  });

  describe('list and cancel', () => {
    let listed: InvitationListResponseDto;
    let tokens: string[];

    beforeAll(async () => {
      await createOrg(hub, alice, 'list-org');
      tokens = [];
      for (const body of [{ role: 'read' }, { role: 'write', email: 'x@example.com', max_usage: 4 }]) {
        tokens.push((await invite(body, 'list-org')).token);
      }
    });

    it('should list invitations to org admins with token prefixes, never the tokens', async () => {
      const response = await request(hub.url)
        .get('/api/invitations/org/list-org/list')
        .set(bearer(alice.token))
        .expect(200);
      listed = response.body;
      expect(listed.invitations).toHaveLength(2);
      const raw = JSON.stringify(listed);
      for (const token of tokens) {
        expect(raw).not.toContain(token);
      }
      expect(listed.invitations[0]).toEqual({
        id: expect.any(Number),
        token_prefix: tokens[1].slice(0, 8),
        email: 'x@example.com',
        role: 'write',
        created_by: 'alice',
        created_at: expect.any(String),
        expires_at: expect.any(String),
        last_used_at: null,
        max_usage: 4,
        usage_count: 0,
        is_reusable: true,
        is_available: true,
        status: 'active',
        is_pending: true,
      });
      expect(listed.invitations[1].token_prefix).toBe(tokens[0].slice(0, 8));
    });

    it('should keep the list from non-admins and anonymous callers', async () => {
      await request(hub.url).get('/api/invitations/org/list-org/list').expect(401);
      await request(hub.url).get('/api/invitations/org/acme/list').set(bearer(bob.token)).expect(403);
    });

    it('should let org admins cancel by token or by listed id, and refuse others', async () => {
      await request(hub.url).delete(`/api/invitations/${tokens[0]}`).expect(401);
      await request(hub.url).delete(`/api/invitations/${tokens[0]}`).set(bearer(bob.token)).expect(403);
      await request(hub.url).delete(`/api/invitations/${tokens[0]}`).set(bearer(alice.token)).expect(200);
      const byId = await request(hub.url)
        .delete(`/api/invitations/${listed.invitations[0].id}`)
        .set(bearer(alice.token))
        .expect(200);
      expect(byId.body).toEqual({ success: true, message: 'Invitation cancelled' });
      const refused = await request(hub.url)
        .post(`/api/invitations/${tokens[0]}/accept`)
        .set(bearer(carol.token))
        .expect(410);
      expect(refused.body.error).toBe('This invitation was cancelled by an administrator');
      expect(await details(tokens[1])).toMatchObject({ status: 'cancelled', is_available: false });
      const list = await request(hub.url)
        .get('/api/invitations/org/list-org/list')
        .set(bearer(alice.token))
        .expect(200);
      expect(list.body.invitations.map((item: { status: string }) => item.status)).toEqual(['cancelled', 'cancelled']);
      await request(hub.url).delete('/api/invitations/not-a-token').set(bearer(alice.token)).expect(404);
      await request(hub.url).delete('/api/invitations/999999').set(bearer(alice.token)).expect(404);
    });

    it('should let site administrators cancel any invitation', async () => {
      const { token } = await invite({ role: 'read' }, 'list-org');
      const admin = await siteAdmin(hub);
      await request(hub.url).delete(`/api/invitations/${token}`).set(bearer(admin.token)).expect(200);
      expect(await details(token)).toMatchObject({ status: 'cancelled' });
    });
  });
});
