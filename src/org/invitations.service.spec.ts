import { MembershipsService } from 'src/auth/memberships.service';
import { UserEntity } from 'src/auth/user.entity';
import { NamespaceOwner, UsersService } from 'src/auth/users.service';
import { AuthUser } from 'src/common/auth-user';
import { BadRequestError, ConflictError, ForbiddenError } from 'src/common/errors/hub-error';
import { InvitationEntity } from 'src/org/invitation.entity';
import { InvitationRepository, NewInvitation } from 'src/org/invitation.repository';
import { hashInvitationToken, invitationStatus, InvitationsService, maskEmail } from 'src/org/invitations.service';
import { InvitationNotFoundError, InvitationUnavailableError } from 'src/org/org.errors';
import { OrgService } from 'src/org/org.service';

const DAY = 24 * 60 * 60 * 1000;
const ACME: NamespaceOwner = {
  id: 100,
  name: 'acme',
  isOrg: true,
  fullName: null,
  email: null,
  avatarHash: null,
  isAdmin: false,
  createdAt: new Date(),
};

function caller(id: number, overrides: Partial<AuthUser> = {}): AuthUser {
  return { id, username: `user${id}`, isAdmin: false, credential: 'session', credentialId: 1, ...overrides };
}

function invitation(overrides: Partial<InvitationEntity> = {}): InvitationEntity {
  return Object.assign(new InvitationEntity(), {
    id: 5,
    tokenHash: hashInvitationToken('the-token'),
    tokenPrefix: 'the-toke',
    action: 'join_org',
    orgId: 100,
    role: 'write',
    email: null,
    maxUses: 1,
    usedCount: 0,
    createdById: 1,
    expiresAt: new Date(Date.now() + DAY),
    cancelledAt: null,
    lastUsedAt: null,
    createdAt: new Date(),
    org: Object.assign(new UserEntity(), { id: 100, username: 'acme', isActive: true }),
    createdBy: Object.assign(new UserEntity(), { id: 1, username: 'alice' }),
    ...overrides,
  });
}

describe(InvitationsService.name, () => {
  let sut: InvitationsService;
  let repository: jest.Mocked<
    Pick<
      InvitationRepository,
      'insert' | 'findByTokenHash' | 'findById' | 'listForOrg' | 'consumeOne' | 'releaseOne' | 'cancel'
    >
  >;
  let orgs: jest.Mocked<Pick<OrgService, 'getManagedOrganisation'>>;
  let users: jest.Mocked<Pick<UsersService, 'getOrganisationByName' | 'findById'>>;
  let memberships: jest.Mocked<Pick<MembershipsService, 'getRole' | 'addMember'>>;

  beforeEach(() => {
    repository = {
      insert: jest.fn((fields: NewInvitation) => Promise.resolve(invitation({ ...fields, id: 42 }))),
      findByTokenHash: jest.fn().mockResolvedValue(invitation()),
      findById: jest.fn().mockResolvedValue(invitation()),
      listForOrg: jest.fn().mockResolvedValue([]),
      consumeOne: jest.fn().mockResolvedValue(true),
      releaseOne: jest.fn().mockResolvedValue(undefined),
      cancel: jest.fn().mockResolvedValue(true),
    };
    orgs = { getManagedOrganisation: jest.fn().mockResolvedValue(ACME) };
    users = {
      getOrganisationByName: jest.fn().mockResolvedValue(ACME),
      findById: jest.fn().mockResolvedValue({ ...ACME, id: 7, isOrg: false, email: 'bob@example.com' }),
    };
    memberships = { getRole: jest.fn().mockResolvedValue(null), addMember: jest.fn().mockResolvedValue(true) };
    sut = new InvitationsService(
      repository as unknown as InvitationRepository,
      orgs as unknown as OrgService,
      users as unknown as UsersService,
      memberships as unknown as MembershipsService,
    );
  });

  describe('createForOrganisation', () => {
    it('should store only the hash of a random base64url token and return the token once with its link', async () => {
      const result = await sut.createForOrganisation(caller(1), 'acme', { role: 'write' }, 'https://hub.test');
      expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(result.invitation_link).toBe(`https://hub.test/invite/${result.token}`);
      const stored = repository.insert.mock.calls[0][0];
      expect(stored.tokenHash).toBe(hashInvitationToken(result.token));
      expect(stored.tokenHash).not.toContain(result.token);
      expect(stored.tokenPrefix).toBe(result.token.slice(0, 8));
      expect(stored).toMatchObject({ action: 'join_org', orgId: 100, role: 'write', createdById: 1, maxUses: 1 });
      expect(result).toMatchObject({ success: true, id: 42, max_usage: null, is_reusable: false, org_name: 'acme' });
      expect(orgs.getManagedOrganisation).toHaveBeenCalledWith(caller(1), 'acme');
    });

    it('should mint a different token every time', async () => {
      const first = await sut.createForOrganisation(caller(1), 'acme', { role: 'read' }, 'http://h');
      const second = await sut.createForOrganisation(caller(1), 'acme', { role: 'read' }, 'http://h');
      expect(first.token).not.toBe(second.token);
    });

    it('should map max_usage: N uses, -1 unlimited (stored NULL), null single use', async () => {
      const ten = await sut.createForOrganisation(caller(1), 'acme', { role: 'read', max_usage: 10 }, 'http://h');
      expect(repository.insert.mock.calls[0][0].maxUses).toBe(10);
      expect(ten).toMatchObject({ max_usage: 10, is_reusable: true });
      const unlimited = await sut.createForOrganisation(caller(1), 'acme', { role: 'read', max_usage: -1 }, 'http://h');
      expect(repository.insert.mock.calls[1][0].maxUses).toBeNull();
      expect(unlimited).toMatchObject({ max_usage: -1, is_reusable: true });
      const single = await sut.createForOrganisation(caller(1), 'acme', { role: 'read', max_usage: null }, 'http://h');
      expect(repository.insert.mock.calls[2][0].maxUses).toBe(1);
      expect(single).toMatchObject({ max_usage: null, is_reusable: false });
    });

    it('should expire after expires_days (7 by default) and lower-case a bound email', async () => {
      const before = Date.now();
      const week = await sut.createForOrganisation(caller(1), 'acme', { role: 'read' }, 'http://h');
      const expiresIn = Date.parse(week.expires_at) - before;
      expect(expiresIn).toBeGreaterThanOrEqual(7 * DAY - 1000);
      expect(expiresIn).toBeLessThanOrEqual(7 * DAY + 1000);
      const bound = await sut.createForOrganisation(
        caller(1),
        'acme',
        { role: 'read', email: 'New@Example.COM', expires_days: 1 },
        'http://h',
      );
      expect(Date.parse(bound.expires_at) - before).toBeLessThanOrEqual(DAY + 1000);
      expect(repository.insert.mock.calls[1][0].email).toBe('new@example.com');
    });
  });

  describe('createForRegistration', () => {
    it('should refuse callers who are not site administrators', async () => {
      await expect(sut.createForRegistration(caller(1), {}, 'http://h')).rejects.toBeInstanceOf(ForbiddenError);
    });

    it('should create an account invitation, with an organisation and read as the default role', async () => {
      const admin = caller(1, { isAdmin: true });
      await expect(sut.createForRegistration(admin, {}, 'http://h')).resolves.toMatchObject({
        action: 'register_account',
        org_name: null,
        role: null,
      });
      await expect(sut.createForRegistration(admin, { org_name: 'acme' }, 'http://h')).resolves.toMatchObject({
        action: 'register_account',
        org_name: 'acme',
        role: 'read',
      });
      expect(repository.insert.mock.calls[1][0]).toMatchObject({ orgId: 100, role: 'read' });
    });

    it('should refuse a role without an organisation', async () => {
      await expect(
        sut.createForRegistration(caller(1, { isAdmin: true }), { role: 'write' }, 'http://h'),
      ).rejects.toBeInstanceOf(BadRequestError);
    });
  });

  describe('inspect', () => {
    it('should describe the invitation with the bound email masked', async () => {
      repository.findByTokenHash.mockResolvedValue(
        invitation({ email: 'newuser@example.com', maxUses: 10, usedCount: 3 }),
      );
      await expect(sut.inspect('the-token')).resolves.toMatchObject({
        action: 'join_org',
        org_name: 'acme',
        role: 'write',
        inviter_username: 'alice',
        email: 'n*****r@example.com',
        is_expired: false,
        is_available: true,
        status: 'active',
        error_message: null,
        max_usage: 10,
        usage_count: 3,
        is_reusable: true,
      });
      expect(repository.findByTokenHash).toHaveBeenCalledWith(hashInvitationToken('the-token'));
    });

    it('should say why an expired invitation cannot be used', async () => {
      repository.findByTokenHash.mockResolvedValue(invitation({ expiresAt: new Date(Date.now() - 1000) }));
      const details = await sut.inspect('the-token');
      expect(details).toMatchObject({ is_expired: true, is_available: false, status: 'expired' });
      expect(details.error_message).toMatch(/expired/);
    });

    it('should answer 404 for an unknown token', async () => {
      repository.findByTokenHash.mockResolvedValue(null);
      await expect(sut.inspect('nope')).rejects.toBeInstanceOf(InvitationNotFoundError);
    });
  });

  describe('accept', () => {
    it('should take one use and add the caller with the invitation role', async () => {
      await expect(sut.accept(caller(7), 'the-token')).resolves.toEqual({
        success: true,
        message: 'You joined acme as write',
        org_name: 'acme',
        role: 'write',
      });
      expect(repository.consumeOne).toHaveBeenCalledWith(5, expect.any(Date));
      expect(memberships.addMember).toHaveBeenCalledWith(100, 7, 'write');
    });

    it('should answer 409 to a member and not take a use', async () => {
      memberships.getRole.mockResolvedValue('read');
      await expect(sut.accept(caller(7), 'the-token')).rejects.toBeInstanceOf(ConflictError);
      expect(repository.consumeOne).not.toHaveBeenCalled();
    });

    it('should give the use back when a concurrent accept by the same caller joined first', async () => {
      memberships.addMember.mockResolvedValue(false);
      await expect(sut.accept(caller(7), 'the-token')).rejects.toBeInstanceOf(ConflictError);
      expect(repository.releaseOne).toHaveBeenCalledWith(5);
    });

    it('should enforce the email binding with 403', async () => {
      repository.findByTokenHash.mockResolvedValue(invitation({ email: 'someone.else@example.com' }));
      await expect(sut.accept(caller(7), 'the-token')).rejects.toBeInstanceOf(ForbiddenError);
      expect(repository.consumeOne).not.toHaveBeenCalled();
    });

    it('should accept a bound invitation whatever the case of the account email', async () => {
      repository.findByTokenHash.mockResolvedValue(invitation({ email: 'bob@example.com' }));
      users.findById.mockResolvedValue({ ...ACME, id: 7, isOrg: false, email: 'Bob@Example.com' });
      await expect(sut.accept(caller(7), 'the-token')).resolves.toMatchObject({ success: true });
    });

    it('should answer 410 when the last use was taken concurrently', async () => {
      repository.consumeOne.mockResolvedValue(false);
      repository.findById.mockResolvedValue(invitation({ usedCount: 1 }));
      await expect(sut.accept(caller(7), 'the-token')).rejects.toEqual(
        new InvitationUnavailableError('This invitation has already been used'),
      );
      expect(memberships.addMember).not.toHaveBeenCalled();
    });

    it('should answer 410 for cancelled, used-up and expired invitations without trying', async () => {
      for (const overrides of [
        { cancelledAt: new Date() },
        { maxUses: 3, usedCount: 3 },
        { expiresAt: new Date(Date.now() - 1) },
      ]) {
        repository.findByTokenHash.mockResolvedValue(invitation(overrides));
        await expect(sut.accept(caller(7), 'the-token')).rejects.toBeInstanceOf(InvitationUnavailableError);
      }
      expect(repository.consumeOne).not.toHaveBeenCalled();
    });

    it('should refuse account invitations with 400', async () => {
      repository.findByTokenHash.mockResolvedValue(invitation({ action: 'register_account' }));
      await expect(sut.accept(caller(7), 'the-token')).rejects.toBeInstanceOf(BadRequestError);
    });
  });

  describe('cancel', () => {
    it('should cancel by token after checking that the caller manages the organisation', async () => {
      await expect(sut.cancel(caller(1), 'the-token')).resolves.toMatchObject({ success: true });
      expect(orgs.getManagedOrganisation).toHaveBeenCalledWith(caller(1), 'acme');
      expect(repository.cancel).toHaveBeenCalledWith(5, expect.any(Date));
    });

    it('should cancel by the numeric id the list shows', async () => {
      await sut.cancel(caller(1), '5');
      expect(repository.findById).toHaveBeenCalledWith(5);
      expect(repository.findByTokenHash).not.toHaveBeenCalled();
    });

    it('should leave account invitations to site administrators', async () => {
      repository.findByTokenHash.mockResolvedValue(
        invitation({ action: 'register_account', orgId: null, org: undefined }),
      );
      await expect(sut.cancel(caller(1), 'the-token')).rejects.toBeInstanceOf(ForbiddenError);
      await expect(sut.cancel(caller(1, { isAdmin: true }), 'the-token')).resolves.toMatchObject({ success: true });
    });

    it('should answer 404 for an unknown token', async () => {
      repository.findByTokenHash.mockResolvedValue(null);
      await expect(sut.cancel(caller(1), 'nope')).rejects.toBeInstanceOf(InvitationNotFoundError);
    });
  });

  describe('listForOrganisation', () => {
    it('should list invitations with token prefixes only and their status', async () => {
      repository.listForOrg.mockResolvedValue([
        invitation({ id: 1 }),
        invitation({ id: 2, cancelledAt: new Date() }),
        invitation({ id: 3, maxUses: null, usedCount: 4 }),
      ]);
      const { invitations } = await sut.listForOrganisation(caller(1), 'acme');
      expect(invitations.map((item) => [item.id, item.status, item.is_pending, item.max_usage])).toEqual([
        [1, 'active', true, null],
        [2, 'cancelled', false, null],
        [3, 'active', false, -1],
      ]);
      expect(JSON.stringify(invitations)).not.toContain('the-token');
      expect(invitations[0]).toMatchObject({ token_prefix: 'the-toke', created_by: 'alice' });
    });
  });

  describe('redeemForRegistration', () => {
    const accountInvitation = (overrides: Partial<InvitationEntity> = {}): InvitationEntity =>
      invitation({ action: 'register_account', ...overrides });

    it('should take a use and grant the organisation role', async () => {
      repository.findByTokenHash.mockResolvedValue(accountInvitation({ role: 'read' }));
      await expect(sut.redeemForRegistration('the-token', 'x@example.com')).resolves.toEqual({
        orgId: 100,
        role: 'read',
      });
      expect(repository.consumeOne).toHaveBeenCalledWith(5, expect.any(Date));
    });

    it('should grant nothing beyond the account when no organisation is attached', async () => {
      repository.findByTokenHash.mockResolvedValue(accountInvitation({ orgId: null, role: null, org: undefined }));
      await expect(sut.redeemForRegistration('the-token', 'x@example.com')).resolves.toEqual({});
    });

    it('should refuse unknown tokens and organisation invitations with 403', async () => {
      repository.findByTokenHash.mockResolvedValueOnce(null);
      await expect(sut.redeemForRegistration('nope', 'x@example.com')).rejects.toBeInstanceOf(ForbiddenError);
      repository.findByTokenHash.mockResolvedValueOnce(invitation());
      await expect(sut.redeemForRegistration('the-token', 'x@example.com')).rejects.toBeInstanceOf(ForbiddenError);
      expect(repository.consumeOne).not.toHaveBeenCalled();
    });

    it('should enforce the email binding', async () => {
      repository.findByTokenHash.mockResolvedValue(accountInvitation({ email: 'x@example.com' }));
      await expect(sut.redeemForRegistration('the-token', 'y@example.com')).rejects.toBeInstanceOf(ForbiddenError);
      await expect(sut.redeemForRegistration('the-token', 'X@Example.com')).resolves.toBeDefined();
    });

    it('should check an invitation without taking a use', async () => {
      repository.findByTokenHash.mockResolvedValue(accountInvitation({ email: 'x@example.com' }));
      await expect(sut.checkForRegistration('the-token', 'x@example.com')).resolves.toBeUndefined();
      await expect(sut.checkForRegistration('the-token', 'y@example.com')).rejects.toBeInstanceOf(ForbiddenError);
      repository.findByTokenHash.mockResolvedValue(accountInvitation({ usedCount: 1 }));
      await expect(sut.checkForRegistration('the-token', 'x@example.com')).rejects.toBeInstanceOf(
        InvitationUnavailableError,
      );
      expect(repository.consumeOne).not.toHaveBeenCalled();
    });

    it('should join the organisation once the account exists, and nothing without one', async () => {
      await sut.joinAfterRegistration(77, { orgId: 100, role: 'contributor' });
      expect(memberships.addMember).toHaveBeenCalledWith(100, 77, 'contributor');
      await sut.joinAfterRegistration(78, {});
      expect(memberships.addMember).toHaveBeenCalledTimes(1);
    });
  });

  describe('helpers', () => {
    it('should mask emails keeping the first and last character of the local part', () => {
      expect(maskEmail('newuser@example.com')).toBe('n*****r@example.com');
      expect(maskEmail('ab@example.com')).toBe('a*@example.com');
      expect(maskEmail('a@example.com')).toBe('a*@example.com');
    });

    it('should rank cancelled over used up over expired', () => {
      const past = new Date(Date.now() - 1);
      expect(invitationStatus(invitation({ cancelledAt: past, usedCount: 1, expiresAt: past }), new Date())).toBe(
        'cancelled',
      );
      expect(invitationStatus(invitation({ usedCount: 1, expiresAt: past }), new Date())).toBe('used_up');
      expect(invitationStatus(invitation({ expiresAt: past }), new Date())).toBe('expired');
    });
  });
});
