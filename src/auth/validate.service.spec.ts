import { BadRequestError } from 'src/common/errors/hub-error';
import { RepoNameRegistry } from 'src/auth/repo-name-registry';
import { UserEntity } from 'src/auth/user.entity';
import { UserRepository } from 'src/auth/user.repository';
import { ValidateService } from 'src/auth/validate.service';

function owner(username: string, fields: Partial<UserEntity> = {}): UserEntity {
  return Object.assign(new UserEntity(), { id: 1, username, isOrg: false, isActive: true, ...fields });
}

describe(ValidateService.name, () => {
  let users: jest.Mocked<Pick<UserRepository, 'findByName'>>;
  let registry: jest.Mocked<RepoNameRegistry>;

  beforeEach(() => {
    users = { findByName: jest.fn().mockResolvedValue(null) };
    registry = { findConflict: jest.fn().mockResolvedValue(null) };
  });

  describe('without a namespace (user and organization names)', () => {
    const sut = (): ValidateService => new ValidateService(users as unknown as UserRepository);

    it('should report a free name with its normalised form', async () => {
      await expect(sut().checkName({ name: 'New-User' })).resolves.toEqual({
        available: true,
        normalized_name: 'new_user',
        conflict_with: null,
        message: 'Name is available',
      });
      expect(users.findByName).toHaveBeenCalledWith('New-User');
    });

    it('should name the existing user or organization a name collides with', async () => {
      users.findByName.mockResolvedValue(owner('My-Org', { isOrg: true }));
      await expect(sut().checkName({ name: 'my_org' })).resolves.toEqual({
        available: false,
        normalized_name: 'my_org',
        conflict_with: 'My-Org',
        message: 'Name conflicts with existing organization: My-Org (case-insensitive)',
      });
      users.findByName.mockResolvedValue(owner('Alice'));
      await expect(sut().checkName({ name: 'alice' })).resolves.toMatchObject({
        available: false,
        conflict_with: 'Alice',
        message: 'Name conflicts with existing user: Alice (case-insensitive)',
      });
    });

    it('should answer invalid and reserved names as unavailable with the reason, without a lookup', async () => {
      await expect(sut().checkName({ name: 'a' })).resolves.toEqual({
        available: false,
        normalized_name: 'a',
        conflict_with: null,
        message: 'Name must be 2 to 42 characters long',
      });
      await expect(sut().checkName({ name: 'has space' })).resolves.toMatchObject({ available: false });
      await expect(sut().checkName({ name: 'Admin' })).resolves.toMatchObject({
        available: false,
        message: 'Name is reserved',
      });
      expect(users.findByName).not.toHaveBeenCalled();
    });

    it('should refuse a repository type without a namespace', async () => {
      await expect(sut().checkName({ name: 'x', type: 'dataset' })).rejects.toBeInstanceOf(BadRequestError);
    });
  });

  describe('with a namespace (repository names)', () => {
    it('should report a free repository name, as in the seed example', async () => {
      users.findByName.mockResolvedValue(owner('org', { isOrg: true }));
      const sut = new ValidateService(users as unknown as UserRepository, registry);
      await expect(sut.checkName({ name: 'my-new-repo', namespace: 'org', type: 'model' })).resolves.toEqual({
        available: true,
        normalized_name: 'my_new_repo',
        conflict_with: null,
        message: 'Repository name is available',
      });
      expect(registry.findConflict).toHaveBeenCalledWith('org', 'model', 'my_new_repo');
    });

    it('should report the conflicting repository as in the seed example', async () => {
      users.findByName.mockResolvedValue(owner('org', { isOrg: true }));
      registry.findConflict.mockResolvedValue('My-New-Repo');
      const sut = new ValidateService(users as unknown as UserRepository, registry);
      await expect(sut.checkName({ name: 'my-new-repo', namespace: 'ORG', type: 'dataset' })).resolves.toEqual({
        available: false,
        normalized_name: 'my_new_repo',
        conflict_with: 'org/My-New-Repo',
        message: 'Repository name conflicts with existing repository: My-New-Repo (case-insensitive)',
      });
      expect(registry.findConflict).toHaveBeenCalledWith('org', 'dataset', 'my_new_repo');
    });

    it('should default the type to model', async () => {
      users.findByName.mockResolvedValue(owner('org'));
      await new ValidateService(users as unknown as UserRepository, registry).checkName({
        name: 'r',
        namespace: 'org',
      });
      expect(registry.findConflict).toHaveBeenCalledWith('org', 'model', 'r');
    });

    it('should answer from the namespace alone when no registry is provided', async () => {
      users.findByName.mockResolvedValue(owner('org'));
      await expect(
        new ValidateService(users as unknown as UserRepository).checkName({ name: 'my-new-repo', namespace: 'org' }),
      ).resolves.toMatchObject({ available: true, message: 'Repository name is available' });
    });

    it('should call a missing or deactivated namespace unavailable', async () => {
      const sut = new ValidateService(users as unknown as UserRepository, registry);
      await expect(sut.checkName({ name: 'repo', namespace: 'ghost' })).resolves.toEqual({
        available: false,
        normalized_name: 'repo',
        conflict_with: null,
        message: 'Namespace ghost does not exist',
      });
      users.findByName.mockResolvedValue(owner('gone', { isActive: false }));
      await expect(sut.checkName({ name: 'repo', namespace: 'gone' })).resolves.toMatchObject({ available: false });
      expect(registry.findConflict).not.toHaveBeenCalled();
    });

    it('should answer an invalid repository name as unavailable with the reason', async () => {
      const sut = new ValidateService(users as unknown as UserRepository, registry);
      await expect(sut.checkName({ name: 'bad..name', namespace: 'org' })).resolves.toEqual({
        available: false,
        normalized_name: 'bad..name',
        conflict_with: null,
        message: 'Repository name must not contain "--" or ".."',
      });
      await expect(sut.checkName({ name: 'repo.git', namespace: 'org' })).resolves.toMatchObject({
        available: false,
        message: 'Repository name must not end with ".git"',
      });
      expect(users.findByName).not.toHaveBeenCalled();
    });
  });
});
