import { MembershipsService } from 'src/auth/memberships.service';
import { OrgRole } from 'src/auth/org-membership.entity';
import { AuthUser } from 'src/common/auth-user';
import { ForbiddenError, RepoNotFoundError, UnauthorizedError } from 'src/common/errors/hub-error';
import { RepoAccess, RepoAccessTarget } from 'src/repo/repo-access';

const OWNER_ID = 1;
const ORG_ID = 100;
const CALLER_ID = 7;

function caller(overrides: Partial<AuthUser> = {}): AuthUser {
  return { id: CALLER_ID, username: 'caller', isAdmin: false, credential: 'session', credentialId: 1, ...overrides };
}

function userRepo(overrides: Partial<RepoAccessTarget> = {}): RepoAccessTarget {
  return { fullId: 'alice/model', ownerId: OWNER_ID, ownerIsOrg: false, isPrivate: false, ...overrides };
}

function orgRepo(overrides: Partial<RepoAccessTarget> = {}): RepoAccessTarget {
  return { fullId: 'acme/model', ownerId: ORG_ID, ownerIsOrg: true, isPrivate: false, ...overrides };
}

describe(RepoAccess.name, () => {
  let sut: RepoAccess;
  let getRole: jest.Mock<Promise<OrgRole | null>, [number, number]>;

  beforeEach(() => {
    getRole = jest.fn().mockResolvedValue(null);
    sut = new RepoAccess({ getRole } as unknown as MembershipsService);
  });

  describe('permissionFor', () => {
    it('should give anonymous callers read on public repos and nothing on private ones', async () => {
      await expect(sut.permissionFor(undefined, userRepo())).resolves.toBe('read');
      await expect(sut.permissionFor(undefined, userRepo({ isPrivate: true }))).resolves.toBe('none');
      await expect(sut.permissionFor(undefined, orgRepo({ isPrivate: true }))).resolves.toBe('none');
      expect(getRole).not.toHaveBeenCalled();
    });

    it('should give site administrators admin on any repo, even private ones of others', async () => {
      const admin = caller({ isAdmin: true });
      await expect(sut.permissionFor(admin, userRepo({ isPrivate: true }))).resolves.toBe('admin');
      await expect(sut.permissionFor(admin, orgRepo({ isPrivate: true }))).resolves.toBe('admin');
    });

    it('should give the owning user admin and other users read on public / none on private repos', async () => {
      await expect(sut.permissionFor(caller({ id: OWNER_ID }), userRepo({ isPrivate: true }))).resolves.toBe('admin');
      await expect(sut.permissionFor(caller(), userRepo())).resolves.toBe('read');
      await expect(sut.permissionFor(caller(), userRepo({ isPrivate: true }))).resolves.toBe('none');
    });

    it('should map org roles admin → admin, write → write and read → read, also on private repos', async () => {
      for (const [role, expected] of [
        ['admin', 'admin'],
        ['write', 'write'],
        ['read', 'read'],
      ] as const) {
        getRole.mockResolvedValue(role);
        await expect(sut.permissionFor(caller(), orgRepo({ isPrivate: true }))).resolves.toBe(expected);
      }
      expect(getRole).toHaveBeenCalledWith(ORG_ID, CALLER_ID);
    });

    it('should give org contributors write on repos they created and read on the others', async () => {
      getRole.mockResolvedValue('contributor');
      await expect(sut.permissionFor(caller(), orgRepo({ creatorId: CALLER_ID }))).resolves.toBe('write');
      await expect(sut.permissionFor(caller(), orgRepo({ creatorId: 999, isPrivate: true }))).resolves.toBe('read');
      await expect(sut.permissionFor(caller(), orgRepo({ creatorId: null }))).resolves.toBe('read');
      await expect(sut.permissionFor(caller(), orgRepo())).resolves.toBe('read');
    });

    it('should treat non-members of an org like anyone else', async () => {
      await expect(sut.permissionFor(caller(), orgRepo())).resolves.toBe('read');
      await expect(sut.permissionFor(caller(), orgRepo({ isPrivate: true }))).resolves.toBe('none');
    });

    it('should cap a read-only token at read without raising none', async () => {
      const readToken = caller({ credential: 'token', tokenRole: 'read' });
      await expect(sut.permissionFor({ ...readToken, id: OWNER_ID }, userRepo({ isPrivate: true }))).resolves.toBe(
        'read',
      );
      await expect(sut.permissionFor({ ...readToken, isAdmin: true }, orgRepo())).resolves.toBe('read');
      await expect(sut.permissionFor(readToken, userRepo({ isPrivate: true }))).resolves.toBe('none');
      const writeToken = caller({ credential: 'token', tokenRole: 'write', id: OWNER_ID });
      await expect(sut.permissionFor(writeToken, userRepo())).resolves.toBe('admin');
    });
  });

  describe('require', () => {
    it('should pass when the caller has at least the needed permission', async () => {
      getRole.mockResolvedValue('write');
      await expect(sut.require(caller(), orgRepo({ isPrivate: true }), 'read')).resolves.toBeUndefined();
      await expect(sut.require(caller(), orgRepo({ isPrivate: true }), 'write')).resolves.toBeUndefined();
    });

    it('should answer RepoNotFound, exactly as for a missing repo, when the caller may not read', async () => {
      const missing = new RepoNotFoundError('alice/model');
      await expect(sut.require(undefined, userRepo({ isPrivate: true }), 'read')).rejects.toEqual(missing);
      await expect(sut.require(caller(), userRepo({ isPrivate: true }), 'write')).rejects.toEqual(missing);
      await expect(sut.require(caller(), userRepo({ isPrivate: true }), 'admin')).rejects.toBeInstanceOf(
        RepoNotFoundError,
      );
    });

    it('should ask anonymous callers to authenticate when they can read but need to write', async () => {
      await expect(sut.require(undefined, userRepo(), 'write')).rejects.toBeInstanceOf(UnauthorizedError);
      await expect(sut.require(undefined, userRepo(), 'admin')).rejects.toBeInstanceOf(UnauthorizedError);
    });

    it('should refuse with 403 a signed-in caller who can read but not write, private repo included', async () => {
      await expect(sut.require(caller(), userRepo(), 'write')).rejects.toEqual(
        new ForbiddenError('You do not have write access to alice/model'),
      );
      getRole.mockResolvedValue('read');
      await expect(sut.require(caller(), orgRepo({ isPrivate: true }), 'write')).rejects.toEqual(
        new ForbiddenError('You do not have write access to acme/model'),
      );
    });

    it('should refuse admin actions to org writers with a message naming admin rights', async () => {
      getRole.mockResolvedValue('write');
      await expect(sut.require(caller(), orgRepo(), 'admin')).rejects.toEqual(
        new ForbiddenError('You do not have admin rights on acme/model'),
      );
    });

    it('should tell an owner using a read-only token that the token is the problem', async () => {
      const readToken = caller({ id: OWNER_ID, credential: 'token', tokenRole: 'read' });
      const error = await sut.require(readToken, userRepo(), 'write').catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as Error).message).toMatch(/read-only/);
    });
  });
});
