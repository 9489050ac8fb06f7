import { MembershipsService } from 'src/auth/memberships.service';
import { NamespaceOwner, UsersService } from 'src/auth/users.service';
import { AuthUser } from 'src/common/auth-user';
import { ConflictError, ForbiddenError, NotFoundError } from 'src/common/errors/hub-error';
import { OrgProfileRepository } from 'src/org/org-profile.repository';
import { OrgService } from 'src/org/org.service';

const CREATED = new Date('2025-01-02T03:04:05.000Z');

function owner(id: number, name: string, isOrg: boolean, overrides: Partial<NamespaceOwner> = {}): NamespaceOwner {
  return {
    id,
    name,
    isOrg,
    fullName: null,
    email: null,
    avatarHash: null,
    isAdmin: false,
    createdAt: CREATED,
    ...overrides,
  };
}

function caller(id: number, overrides: Partial<AuthUser> = {}): AuthUser {
  return { id, username: `user${id}`, isAdmin: false, credential: 'session', credentialId: 1, ...overrides };
}

const ACME = owner(100, 'acme', true, { fullName: 'Acme Inc.' });
const BOB = owner(2, 'bob', false);

describe(OrgService.name, () => {
  let sut: OrgService;
  let users: jest.Mocked<
    Pick<
      UsersService,
      'createOrganisation' | 'updateProfile' | 'getOrganisationByName' | 'getUserByName' | 'assertNameAvailable'
    >
  >;
  let memberships: jest.Mocked<
    Pick<
      MembershipsService,
      'getRole' | 'addMember' | 'removeMember' | 'changeRole' | 'listMembers' | 'countMembers' | 'listOrganisationsOf'
    >
  >;
  let profiles: jest.Mocked<Pick<OrgProfileRepository, 'findByIds'>>;

  beforeEach(() => {
    users = {
      createOrganisation: jest.fn().mockResolvedValue(ACME),
      updateProfile: jest.fn().mockResolvedValue(undefined),
      getOrganisationByName: jest.fn().mockResolvedValue(ACME),
      getUserByName: jest.fn().mockResolvedValue(BOB),
      assertNameAvailable: jest.fn().mockResolvedValue(undefined),
    };
    memberships = {
      getRole: jest.fn().mockResolvedValue('admin'),
      addMember: jest.fn().mockResolvedValue(true),
      removeMember: jest.fn().mockResolvedValue('done'),
      changeRole: jest.fn().mockResolvedValue('done'),
      listMembers: jest.fn().mockResolvedValue([]),
      countMembers: jest.fn().mockResolvedValue(0),
      listOrganisationsOf: jest.fn().mockResolvedValue([]),
    };
    profiles = { findByIds: jest.fn().mockResolvedValue(new Map()) };
    sut = new OrgService(
      users as unknown as UsersService,
      memberships as unknown as MembershipsService,
      profiles as unknown as OrgProfileRepository,
    );
  });

  describe('createOrganisation', () => {
    it('should create the organisation, store its description and make the creator admin', async () => {
      await expect(
        sut.createOrganisation(caller(1), { name: 'acme', fullname: 'Acme Inc.', description: 'We make things' }),
      ).resolves.toEqual({ success: true, name: 'acme' });
      expect(users.createOrganisation).toHaveBeenCalledWith('acme', { fullName: 'Acme Inc.' });
      expect(users.updateProfile).toHaveBeenCalledWith(100, { bio: 'We make things' });
      expect(memberships.addMember).toHaveBeenCalledWith(100, 1, 'admin');
    });

    it('should answer 409 when a concurrent request took the name between check and insert', async () => {
      users.createOrganisation.mockRejectedValue(Object.assign(new Error('UNIQUE constraint failed'), { code: 'x' }));
      users.assertNameAvailable.mockRejectedValue(new ConflictError('Name "acme" is already taken by an organization'));
      await expect(sut.createOrganisation(caller(1), { name: 'acme' })).rejects.toBeInstanceOf(ConflictError);
    });

    it('should let the name rules of UsersService reject a taken name', async () => {
      users.createOrganisation.mockRejectedValue(new ConflictError('Name "acme" is already taken by a user'));
      await expect(sut.createOrganisation(caller(1), { name: 'acme' })).rejects.toBeInstanceOf(ConflictError);
      expect(memberships.addMember).not.toHaveBeenCalled();
    });
  });

  describe('getOrganisation', () => {
    it('should describe the organisation with its profile, member count and avatar URL', async () => {
      users.getOrganisationByName.mockResolvedValue({ ...ACME, avatarHash: 'abc' });
      profiles.findByIds.mockResolvedValue(new Map([[100, { description: 'Things', website: 'https://acme.test' }]]));
      memberships.countMembers.mockResolvedValue(3);
      await expect(sut.getOrganisation('acme', 'https://hub.test')).resolves.toEqual({
        name: 'acme',
        fullname: 'Acme Inc.',
        description: 'Things',
        website: 'https://acme.test',
        avatar_url: 'https://hub.test/api/organizations/acme/avatar',
        member_count: 3,
        created_at: '2025-01-02T03:04:05.000Z',
      });
    });

    it('should answer a null avatar URL when no avatar was uploaded', async () => {
      const result = await sut.getOrganisation('acme', 'https://hub.test');
      expect(result.avatar_url).toBeNull();
      expect(result.description).toBeNull();
    });
  });

  describe('listMembers', () => {
    it('should list members with their roles and join dates', async () => {
      memberships.listMembers.mockResolvedValue([{ user: BOB, role: 'write', joinedAt: CREATED }]);
      await expect(sut.listMembers('acme')).resolves.toEqual({
        members: [{ user: 'bob', fullname: null, role: 'write', joined_at: '2025-01-02T03:04:05.000Z' }],
      });
    });
  });

  describe('addMember', () => {
    it('should add the user with the role when the caller is an org admin', async () => {
      await sut.addMember(caller(1), 'acme', { username: 'bob', role: 'contributor' });
      expect(memberships.getRole).toHaveBeenCalledWith(100, 1);
      expect(memberships.addMember).toHaveBeenCalledWith(100, 2, 'contributor');
    });

    it('should refuse org members who are not admins with 403', async () => {
      memberships.getRole.mockResolvedValue('write');
      await expect(sut.addMember(caller(1), 'acme', { username: 'bob', role: 'read' })).rejects.toEqual(
        new ForbiddenError('Only admins of acme can manage it; your role is write'),
      );
      expect(memberships.addMember).not.toHaveBeenCalled();
    });

    it('should let site administrators manage any organisation without a membership', async () => {
      memberships.getRole.mockResolvedValue(null);
      await sut.addMember(caller(9, { isAdmin: true }), 'acme', { username: 'bob', role: 'read' });
      expect(memberships.addMember).toHaveBeenCalledWith(100, 2, 'read');
    });

    it('should answer 409 when the user already belongs to the organisation', async () => {
      memberships.addMember.mockResolvedValue(false);
      await expect(sut.addMember(caller(1), 'acme', { username: 'bob', role: 'read' })).rejects.toBeInstanceOf(
        ConflictError,
      );
    });

    it('should answer 404 for an unknown user', async () => {
      users.getUserByName.mockRejectedValue(new NotFoundError('User not found: nobody'));
      await expect(sut.addMember(caller(1), 'acme', { username: 'nobody', role: 'read' })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });
  });

  describe('removeMember', () => {
    it('should let a member leave without being an admin', async () => {
      memberships.getRole.mockResolvedValue('read');
      await expect(sut.removeMember(caller(2), 'acme', 'bob')).resolves.toMatchObject({ success: true });
      expect(memberships.removeMember).toHaveBeenCalledWith(100, 2);
      expect(memberships.getRole).not.toHaveBeenCalled();
    });

    it('should refuse to let non-admins remove someone else', async () => {
      memberships.getRole.mockResolvedValue('write');
      await expect(sut.removeMember(caller(3), 'acme', 'bob')).rejects.toBeInstanceOf(ForbiddenError);
      expect(memberships.removeMember).not.toHaveBeenCalled();
    });

    it('should answer 409 naming the rule when the member is the last admin', async () => {
      memberships.removeMember.mockResolvedValue('last-admin');
      await expect(sut.removeMember(caller(2), 'acme', 'bob')).rejects.toEqual(
        new ConflictError('bob is the last admin of acme and cannot be removed; make another member admin first'),
      );
    });

    it('should answer 404 when the user is not a member', async () => {
      memberships.removeMember.mockResolvedValue('not-member');
      await expect(sut.removeMember(caller(1), 'acme', 'bob')).rejects.toEqual(
        new NotFoundError('bob is not a member of acme'),
      );
    });
  });

  describe('changeRole', () => {
    it('should change the role when the caller is an org admin', async () => {
      await expect(sut.changeRole(caller(1), 'acme', 'bob', { role: 'write' })).resolves.toEqual({
        success: true,
        message: 'bob is now write in acme',
      });
      expect(memberships.changeRole).toHaveBeenCalledWith(100, 2, 'write');
    });

    it('should answer 409 when demoting the last admin', async () => {
      memberships.changeRole.mockResolvedValue('last-admin');
      await expect(sut.changeRole(caller(1), 'acme', 'bob', { role: 'read' })).rejects.toEqual(
        new ConflictError('bob is the last admin of acme and cannot be demoted; make another member admin first'),
      );
    });

    it('should refuse non-members with 403', async () => {
      memberships.getRole.mockResolvedValue(null);
      await expect(sut.changeRole(caller(5), 'acme', 'bob', { role: 'read' })).rejects.toEqual(
        new ForbiddenError('Only admins of acme can manage it; your role is none (not a member)'),
      );
    });
  });

  describe('listOrganisationsOf', () => {
    it("should list the user's organisations with descriptions and roles", async () => {
      memberships.listOrganisationsOf.mockResolvedValue([{ org: ACME, role: 'read' }]);
      profiles.findByIds.mockResolvedValue(new Map([[100, { description: 'Things', website: null }]]));
      await expect(sut.listOrganisationsOf('bob')).resolves.toEqual({
        organizations: [{ name: 'acme', fullname: 'Acme Inc.', description: 'Things', role: 'read' }],
      });
      expect(profiles.findByIds).toHaveBeenCalledWith([100]);
    });
  });

  describe('updateSettings', () => {
    it('should change only the fields sent and clear those sent empty', async () => {
      await sut.updateSettings(caller(1), 'acme', { description: 'New', website: '' });
      expect(users.updateProfile).toHaveBeenCalledWith(100, { bio: 'New', website: null });
    });

    it('should refuse non-admins with 403 and change nothing', async () => {
      memberships.getRole.mockResolvedValue('contributor');
      await expect(sut.updateSettings(caller(3), 'acme', { description: 'x' })).rejects.toBeInstanceOf(ForbiddenError);
      expect(users.updateProfile).not.toHaveBeenCalled();
    });
  });
});
