import { MembershipRepository } from 'src/auth/membership.repository';
import { MembershipsService } from 'src/auth/memberships.service';
import { OrgMembershipEntity } from 'src/auth/org-membership.entity';
import { UserEntity } from 'src/auth/user.entity';

function user(id: number, username: string, isActive = true): UserEntity {
  return Object.assign(new UserEntity(), { id, username, isActive, isOrg: false, createdAt: new Date(0) });
}

function membership(userEntity: UserEntity, role: OrgMembershipEntity['role']): OrgMembershipEntity {
  return Object.assign(new OrgMembershipEntity(), {
    orgId: 100,
    userId: userEntity.id,
    role,
    user: userEntity,
    createdAt: new Date('2025-01-01T00:00:00.000Z'),
  });
}

describe(MembershipsService.name, () => {
  let sut: MembershipsService;
  let repository: jest.Mocked<
    Pick<
      MembershipRepository,
      'findOne' | 'listForOrg' | 'insert' | 'removeUnlessLastAdmin' | 'changeRoleUnlessLastAdmin'
    >
  >;

  beforeEach(() => {
    repository = {
      findOne: jest.fn().mockResolvedValue(null),
      listForOrg: jest.fn().mockResolvedValue([]),
      insert: jest.fn().mockResolvedValue(true),
      removeUnlessLastAdmin: jest.fn().mockResolvedValue('done'),
      changeRoleUnlessLastAdmin: jest.fn().mockResolvedValue('done'),
    };
    sut = new MembershipsService(repository as unknown as MembershipRepository);
  });

  it('should answer null for the role of a non-member', async () => {
    await expect(sut.getRole(100, 1)).resolves.toBeNull();
  });

  it('should list active members only, with their roles and join dates', async () => {
    repository.listForOrg.mockResolvedValue([
      membership(user(1, 'alice'), 'admin'),
      membership(user(2, 'gone', false), 'write'),
    ]);
    const members = await sut.listMembers(100);
    expect(members.map((member) => [member.user.name, member.role, member.joinedAt.toISOString()])).toEqual([
      ['alice', 'admin', '2025-01-01T00:00:00.000Z'],
    ]);
  });

  it('should pass the last-admin guard outcome through', async () => {
    repository.removeUnlessLastAdmin.mockResolvedValue('last-admin');
    await expect(sut.removeMember(100, 1)).resolves.toBe('last-admin');
    repository.changeRoleUnlessLastAdmin.mockResolvedValue('not-member');
    await expect(sut.changeRole(100, 1, 'read')).resolves.toBe('not-member');
    expect(repository.changeRoleUnlessLastAdmin).toHaveBeenCalledWith(100, 1, 'read');
  });
});
