import request from 'supertest';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import {
  ACCOUNT_TEST_ENV,
  addMember,
  apiToken,
  bearer,
  createOrg,
  newAccounts,
  orgRoles,
  siteAdmin,
  TestAccount,
} from 'test/utils/accounts';

describe('organisations', () => {
  let hub: TestHub;
  let alice: TestAccount;
  let bob: TestAccount;
  let carol: TestAccount;

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    [alice, bob, carol] = await newAccounts(hub, 'alice', 'bob', 'carol');
  });

  afterAll(async () => {
    await hub.close();
  });

  describe('auth levels', () => {
    it('should answer 401 without credentials on every ✓ route of organisations and invitations', async () => {
      const required: [string, string][] = [
        ['post', '/org/create'],
        ['post', '/org/acme/members'],
        ['put', '/org/acme/members/alice'],
        ['delete', '/org/acme/members/alice'],
        ['put', '/api/organizations/acme/settings'],
        ['post', '/api/invitations/org/acme/create'],
        ['get', '/api/invitations/org/acme/list'],
        ['post', '/api/invitations/register/create'],
        ['post', '/api/invitations/some-token/accept'],
        ['delete', '/api/invitations/some-token'],
      ];
      for (const [method, path] of required) {
        const response = await (request(hub.url) as unknown as Record<string, (url: string) => request.Test>)
          [method](path)
          .send({});
        expect([method, path, response.status, response.headers['x-error-code']]).toEqual([
          method,
          path,
          401,
          'Unauthorized',
        ]);
      }
    });

    it('should answer ✗ routes without looking at credentials and ○ routes both ways', async () => {
      await request(hub.url).post('/org/create').set(bearer(alice.token)).send({ name: 'levels-org' }).expect(200);
      for (const path of ['/org/levels-org', '/org/users/alice/orgs']) {
        await request(hub.url).get(path).expect(200);
        await request(hub.url).get(path).set(bearer('hf_invalid')).expect(200);
      }
      await request(hub.url).get('/org/levels-org/members').expect(200);
      await request(hub.url).get('/org/levels-org/members').set(bearer(alice.token)).expect(200);
    });
  });

  describe('POST /org/create', () => {
    it('should create an organisation whose creator is admin', async () => {
      const response = await request(hub.url)
        .post('/org/create')
        .set(bearer(alice.token))
        .send({ name: 'acme', fullname: 'Acme Inc.', description: 'We make anvils' })
        .expect(200);
      expect(response.body).toEqual({ success: true, name: 'acme' });
      expect(await orgRoles(hub, 'acme')).toEqual({ alice: 'admin' });
    });

    it('should refuse a name taken by a user or organisation, whatever its case or dashes', async () => {
      const taken = await request(hub.url).post('/org/create').set(bearer(bob.token)).send({ name: 'Alice' });
      expect(taken.status).toBe(409);
      expect(taken.headers['x-error-code']).toBe('Conflict');
      expect(taken.body.error).toMatch(/already taken by a user/);
      const org = await request(hub.url).post('/org/create').set(bearer(bob.token)).send({ name: 'ACME' });
      expect(org.status).toBe(409);
      expect(org.body.error).toMatch(/organization/);
    });

    it('should refuse invalid and reserved names with a readable 400', async () => {
      for (const name of ['a', 'bad name', '-dash', 'admin']) {
        const response = await request(hub.url).post('/org/create').set(bearer(bob.token)).send({ name });
        expect(response.status).toBe(400);
        expect(response.headers['x-error-code']).toBe('BadRequest');
        expect(response.body.error).toContain(name);
      }
      const missing = await request(hub.url).post('/org/create').set(bearer(bob.token)).send({}).expect(400);
      expect(missing.body.error).toMatch(/name/);
    });

    it('should need credentials, and a token that may write', async () => {
      const anonymous = await request(hub.url).post('/org/create').send({ name: 'nobodys' }).expect(401);
      expect(anonymous.headers['x-error-code']).toBe('Unauthorized');
      const readToken = await apiToken(hub, bob, 'read');
      await request(hub.url).post('/org/create').set(bearer(readToken)).send({ name: 'readonly-org' }).expect(403);
      const writeToken = await apiToken(hub, bob, 'write');
      await request(hub.url).post('/org/create').set(bearer(writeToken)).send({ name: 'bob-labs' }).expect(200);
    });
  });

  describe('GET /org/{org_name}', () => {
    it('should describe the organisation to anyone, credentials or not', async () => {
      const response = await request(hub.url).get('/org/acme').expect(200);
      expect(response.body).toEqual({
        name: 'acme',
        fullname: 'Acme Inc.',
        description: 'We make anvils',
        website: null,
        avatar_url: null,
        member_count: 1,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
      const signedIn = await request(hub.url).get('/org/acme').set(bearer(carol.token)).expect(200);
      expect(signedIn.body.name).toBe('acme');
    });

    it('should answer 404 for unknown organisations and for user names', async () => {
      const missing = await request(hub.url).get('/org/no-such-org').expect(404);
      expect(missing.headers['x-error-code']).toBe('NotFound');
      expect(missing.body.error).toMatch(/Organization not found/);
      await request(hub.url).get('/org/alice').expect(404);
    });
  });

  describe('members', () => {
    beforeAll(async () => {
      await createOrg(hub, alice, 'members-org');
    });

    it('should let the org admin add members with any Hugging Face role', async () => {
      const response = await request(hub.url)
        .post('/org/members-org/members')
        .set(bearer(alice.token))
        .send({ username: 'bob', role: 'contributor' })
        .expect(200);
      expect(response.body).toEqual({ success: true, message: 'bob joined members-org as contributor' });
      expect(await orgRoles(hub, 'members-org')).toEqual({ alice: 'admin', bob: 'contributor' });
    });

    it('should list members anonymously and signed in, with roles and join dates', async () => {
      const anonymous = await request(hub.url).get('/org/members-org/members').expect(200);
      expect(anonymous.body.members).toEqual([
        { user: 'alice', fullname: null, role: 'admin', joined_at: expect.any(String) },
        { user: 'bob', fullname: null, role: 'contributor', joined_at: expect.any(String) },
      ]);
      const signedIn = await request(hub.url).get('/org/members-org/members').set(bearer(carol.token)).expect(200);
      expect(signedIn.body).toEqual(anonymous.body);
      await request(hub.url).get('/org/members-org/members').set(bearer('hf_not_a_real_token')).expect(401);
    });

    it('should refuse an unknown role with 400 listing the valid ones', async () => {
      const response = await request(hub.url)
        .post('/org/members-org/members')
        .set(bearer(alice.token))
        .send({ username: 'carol', role: 'member' })
        .expect(400);
      expect(response.body.error).toContain('role must be one of: read, contributor, write, admin');
    });

    it('should answer 409 for an existing member and 404 for an unknown user or an organisation', async () => {
      await request(hub.url)
        .post('/org/members-org/members')
        .set(bearer(alice.token))
        .send({ username: 'bob', role: 'write' })
        .expect(409);
      const unknown = await request(hub.url)
        .post('/org/members-org/members')
        .set(bearer(alice.token))
        .send({ username: 'nobody-here', role: 'read' })
        .expect(404);
      expect(unknown.body.error).toMatch(/User not found/);
      await request(hub.url)
        .post('/org/members-org/members')
        .set(bearer(alice.token))
        .send({ username: 'acme', role: 'read' })
        .expect(404);
    });

    it('should refuse member management to non-admin members and outsiders with 403', async () => {
      const member = await request(hub.url)
        .post('/org/members-org/members')
        .set(bearer(bob.token))
        .send({ username: 'carol', role: 'read' })
        .expect(403);
      expect(member.headers['x-error-code']).toBe('Forbidden');
      expect(member.body.error).toMatch(/Only admins of members-org/);
      await request(hub.url)
        .put('/org/members-org/members/bob')
        .set(bearer(carol.token))
        .send({ role: 'admin' })
        .expect(403);
      await request(hub.url).delete('/org/members-org/members/alice').set(bearer(bob.token)).expect(403);
      expect(await orgRoles(hub, 'members-org')).toEqual({ alice: 'admin', bob: 'contributor' });
    });

    it('should change roles', async () => {
      const response = await request(hub.url)
        .put('/org/members-org/members/bob')
        .set(bearer(alice.token))
        .send({ role: 'write' })
        .expect(200);
      expect(response.body.message).toBe('bob is now write in members-org');
      expect(await orgRoles(hub, 'members-org')).toEqual({ alice: 'admin', bob: 'write' });
      await request(hub.url)
        .put('/org/members-org/members/carol')
        .set(bearer(alice.token))
        .send({ role: 'write' })
        .expect(404);
      await request(hub.url)
        .put('/org/members-org/members/bob')
        .set(bearer(alice.token))
        .send({ role: 'owner' })
        .expect(400);
    });

    it('should let site administrators manage an organisation they do not belong to', async () => {
      const admin = await siteAdmin(hub);
      await request(hub.url)
        .post('/org/members-org/members')
        .set(bearer(admin.token))
        .send({ username: 'carol', role: 'read' })
        .expect(200);
      await request(hub.url)
        .put('/org/members-org/members/carol')
        .set(bearer(admin.token))
        .send({ role: 'contributor' })
        .expect(200);
      expect(await orgRoles(hub, 'members-org')).toEqual({ alice: 'admin', bob: 'write', carol: 'contributor' });
    });

    it('should let a member leave and an admin remove a member', async () => {
      await request(hub.url).delete('/org/members-org/members/carol').set(bearer(carol.token)).expect(200);
      await request(hub.url).delete('/org/members-org/members/bob').set(bearer(alice.token)).expect(200);
      expect(await orgRoles(hub, 'members-org')).toEqual({ alice: 'admin' });
      const again = await request(hub.url).delete('/org/members-org/members/bob').set(bearer(alice.token)).expect(404);
      expect(again.body.error).toBe('bob is not a member of members-org');
    });

    it('should need credentials on every member change', async () => {
      await request(hub.url).post('/org/members-org/members').send({ username: 'bob', role: 'read' }).expect(401);
      await request(hub.url).put('/org/members-org/members/alice').send({ role: 'read' }).expect(401);
      await request(hub.url).delete('/org/members-org/members/alice').expect(401);
    });
  });

  describe('last admin protection', () => {
    beforeAll(async () => {
      await createOrg(hub, alice, 'solo-org');
    });

    it('should refuse to remove or demote the last admin with a clear 409', async () => {
      const leave = await request(hub.url).delete('/org/solo-org/members/alice').set(bearer(alice.token)).expect(409);
      expect(leave.headers['x-error-code']).toBe('Conflict');
      expect(leave.body.error).toBe(
        'alice is the last admin of solo-org and cannot be removed; make another member admin first',
      );
      const demote = await request(hub.url)
        .put('/org/solo-org/members/alice')
        .set(bearer(alice.token))
        .send({ role: 'write' })
        .expect(409);
      expect(demote.body.error).toMatch(/last admin of solo-org and cannot be demoted/);
      const admin = await siteAdmin(hub);
      await request(hub.url).delete('/org/solo-org/members/alice').set(bearer(admin.token)).expect(409);
      expect(await orgRoles(hub, 'solo-org')).toEqual({ alice: 'admin' });
    });

    it('should allow it once another admin exists', async () => {
      await addMember(hub, alice, 'solo-org', 'bob', 'admin');
      await request(hub.url)
        .put('/org/solo-org/members/alice')
        .set(bearer(alice.token))
        .send({ role: 'read' })
        .expect(200);
      expect(await orgRoles(hub, 'solo-org')).toEqual({ alice: 'read', bob: 'admin' });
      await request(hub.url).delete('/org/solo-org/members/bob').set(bearer(bob.token)).expect(409);
    });

    it('should keep exactly one admin when both admins step down at the same time', async () => {
      for (let round = 0; round < 5; round += 1) {
        const org = `race-org-${round}`;
        await createOrg(hub, alice, org);
        await addMember(hub, alice, org, 'bob', 'admin');
        const results = await Promise.all([
          request(hub.url).delete(`/org/${org}/members/alice`).set(bearer(alice.token)),
          request(hub.url).put(`/org/${org}/members/bob`).set(bearer(bob.token)).send({ role: 'write' }),
        ]);
        expect(results.map((response) => response.status).sort()).toEqual([200, 409]);
        const admins = Object.values(await orgRoles(hub, org)).filter((role) => role === 'admin');
        expect(admins).toHaveLength(1);
      }
    });
  });

  describe('GET /org/users/{username}/orgs', () => {
    it("should list a user's organisations with roles, without credentials", async () => {
      const response = await request(hub.url).get('/org/users/bob/orgs').expect(200);
      const byName = Object.fromEntries(
        (response.body.organizations as { name: string; role: string }[]).map((org) => [org.name, org]),
      );
      expect(byName['bob-labs']).toEqual({ name: 'bob-labs', fullname: null, description: null, role: 'admin' });
      expect(byName['solo-org']).toMatchObject({ role: 'admin' });
      expect(byName.acme).toBeUndefined();
      const acme = await request(hub.url).get('/org/users/alice/orgs').expect(200);
      expect(acme.body.organizations).toContainEqual({
        name: 'acme',
        fullname: 'Acme Inc.',
        description: 'We make anvils',
        role: 'admin',
      });
    });

    it('should answer 404 for unknown users', async () => {
      await request(hub.url).get('/org/users/nobody-here/orgs').expect(404);
    });
  });

  describe('PUT /api/organizations/{org_name}/settings', () => {
    it('should let org admins update the profile, changing only the fields sent', async () => {
      await request(hub.url)
        .put('/api/organizations/acme/settings')
        .set(bearer(alice.token))
        .send({ website: 'https://acme.example.com', fullname: 'ACME Corporation' })
        .expect(200);
      const response = await request(hub.url).get('/org/acme').expect(200);
      expect(response.body).toMatchObject({
        fullname: 'ACME Corporation',
        description: 'We make anvils',
        website: 'https://acme.example.com',
      });
      await request(hub.url)
        .put('/api/organizations/acme/settings')
        .set(bearer(alice.token))
        .send({ description: '' })
        .expect(200);
      expect((await request(hub.url).get('/org/acme')).body.description).toBeNull();
    });

    it('should refuse non-admins, bad websites and anonymous callers', async () => {
      await addMember(hub, alice, 'acme', 'carol', 'write');
      await request(hub.url)
        .put('/api/organizations/acme/settings')
        .set(bearer(carol.token))
        .send({ description: 'hijacked' })
        .expect(403);
      const badUrl = await request(hub.url)
        .put('/api/organizations/acme/settings')
        .set(bearer(alice.token))
        .send({ website: 'javascript:alert(1)' })
        .expect(400);
      expect(badUrl.body.error).toMatch(/website must be an http\(s\) URL/);
      await request(hub.url).put('/api/organizations/acme/settings').send({ description: 'x' }).expect(401);
      await request(hub.url)
        .put('/api/organizations/no-such-org/settings')
        .set(bearer(alice.token))
        .send({ description: 'x' })
        .expect(404);
    });
  });
});
