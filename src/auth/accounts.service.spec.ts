import { AccountsService } from 'src/auth/accounts.service';
import { EmailVerificationService } from 'src/auth/email-verification.service';
import { PasswordHasher } from 'src/auth/password-hasher';
import { RegistrationGate } from 'src/auth/registration-gate';
import { UserEntity } from 'src/auth/user.entity';
import { UserRepository } from 'src/auth/user.repository';
import { UsersService } from 'src/auth/users.service';
import { ConflictError, ForbiddenError } from 'src/common/errors/hub-error';

function userRow(overrides: Partial<UserEntity> = {}): UserEntity {
  return {
    id: 12,
    username: 'alice',
    normalizedName: 'alice',
    isOrg: false,
    email: 'alice@example.com',
    passwordHash: '$2b$04$old',
    emailVerified: false,
    isActive: true,
    isAdmin: false,
    fullName: null,
    bio: null,
    website: null,
    avatarHash: null,
    passwordChangedAt: null,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

describe(AccountsService.name, () => {
  let users: jest.Mocked<
    Pick<UserRepository, 'findByName' | 'findByEmail' | 'findById' | 'insert' | 'update' | 'delete'>
  >;
  let usersService: jest.Mocked<Pick<UsersService, 'assertNameAvailable'>>;
  let hasher: jest.Mocked<Pick<PasswordHasher, 'hash' | 'verify'>>;
  let gate: jest.Mocked<RegistrationGate>;
  let verification: jest.Mocked<Pick<EmailVerificationService, 'sendLink'>>;
  let sut: AccountsService;

  beforeEach(() => {
    users = {
      findByName: jest.fn().mockResolvedValue(null),
      findByEmail: jest.fn().mockResolvedValue(null),
      findById: jest.fn(),
      insert: jest.fn((fields) => Promise.resolve(userRow(fields as Partial<UserEntity>))),
      update: jest.fn().mockResolvedValue(undefined),
      delete: jest.fn().mockResolvedValue(undefined),
    };
    usersService = { assertNameAvailable: jest.fn().mockResolvedValue(undefined) };
    hasher = { hash: jest.fn().mockResolvedValue('$2b$04$new'), verify: jest.fn().mockResolvedValue(false) };
    gate = { assertCanRegister: jest.fn().mockResolvedValue(undefined), afterRegistered: jest.fn() };
    verification = { sendLink: jest.fn().mockResolvedValue(true) };
    sut = new AccountsService(
      users as unknown as UserRepository,
      usersService as unknown as UsersService,
      hasher as unknown as PasswordHasher,
      gate,
      verification as unknown as EmailVerificationService,
    );
  });

  it('should register through the gate, store a bcrypt hash and mail a verification link', async () => {
    const result = await sut.register(
      { username: 'alice', email: 'alice@example.com', password: 'long enough', invitationToken: 'inv' },
      'http://hub',
    );
    expect(gate.assertCanRegister).toHaveBeenCalledWith({ invitationToken: 'inv', email: 'alice@example.com' });
    expect(users.insert).toHaveBeenCalledWith({
      username: 'alice',
      email: 'alice@example.com',
      passwordHash: '$2b$04$new',
      isAdmin: false,
      isActive: true,
      emailVerified: false,
    });
    expect(gate.afterRegistered).toHaveBeenCalledWith({
      invitationToken: 'inv',
      email: 'alice@example.com',
      userId: 12,
    });
    expect(verification.sendLink).toHaveBeenCalledWith(expect.objectContaining({ id: 12 }), 'http://hub');
    expect(result).toEqual({
      user: expect.objectContaining({ id: 12, username: 'alice' }),
      emailVerificationSent: true,
    });
  });

  it('should check the gate before anything else', async () => {
    gate.assertCanRegister.mockRejectedValue(new ForbiddenError('closed'));
    await expect(
      sut.register({ username: 'alice', email: 'alice@example.com', password: 'long enough' }, 'http://hub'),
    ).rejects.toThrow('closed');
    expect(usersService.assertNameAvailable).not.toHaveBeenCalled();
    expect(users.insert).not.toHaveBeenCalled();
  });

  it('should undo the account when the gate refuses it after creation', async () => {
    gate.afterRegistered.mockRejectedValue(new ForbiddenError('invitation already used'));
    await expect(
      sut.register({ username: 'alice', email: 'alice@example.com', password: 'long enough' }, 'http://hub'),
    ).rejects.toThrow('invitation already used');
    expect(users.delete).toHaveBeenCalledWith(12);
    expect(verification.sendLink).not.toHaveBeenCalled();
  });

  it('should refuse a taken email, a bad email and a weak password before hashing', async () => {
    users.findByEmail.mockResolvedValue(userRow({ id: 99 }));
    await expect(
      sut.createAccount({ username: 'bob', email: 'ALICE@example.com', password: 'long enough' }),
    ).rejects.toMatchObject({ status: 409, message: 'The email address alice@example.com is already registered' });
    users.findByEmail.mockResolvedValue(null);
    await expect(sut.createAccount({ username: 'bob', email: 'nope', password: 'long enough' })).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      sut.createAccount({ username: 'bob', email: 'b@example.com', password: 'short' }),
    ).rejects.toMatchObject({ status: 400, message: 'Password must be at least 8 characters long' });
    expect(hasher.hash).not.toHaveBeenCalled();
  });

  it('should explain a lost race for the name with a 409 instead of the driver error', async () => {
    users.insert.mockRejectedValue(new Error('UNIQUE constraint failed: users.normalized_name'));
    usersService.assertNameAvailable
      .mockResolvedValueOnce(undefined)
      .mockRejectedValueOnce(new ConflictError('Name "alice" is already taken by a user'));
    await expect(
      sut.createAccount({ username: 'alice', email: 'alice@example.com', password: 'long enough' }),
    ).rejects.toThrow('Name "alice" is already taken by a user');
  });

  describe('ensureAdministrator', () => {
    const admin = { username: 'admin', password: 'admin password', email: 'Root@Example.com' };

    it('should create the administrator under a reserved name without the reserved-name check', async () => {
      const created = await sut.ensureAdministrator(admin);
      expect(usersService.assertNameAvailable).not.toHaveBeenCalled();
      expect(users.insert).toHaveBeenCalledWith(
        expect.objectContaining({ username: 'admin', email: 'root@example.com', isAdmin: true }),
      );
      expect(created.isAdmin).toBe(true);
    });

    it('should promote and reactivate an existing account, re-hashing only a changed password', async () => {
      users.findByName.mockResolvedValue(userRow({ username: 'admin', email: 'root@example.com', isActive: false }));
      hasher.verify.mockResolvedValue(true);
      await sut.ensureAdministrator(admin);
      expect(users.update).toHaveBeenCalledWith(12, { isAdmin: true, isActive: true });
      expect(hasher.hash).not.toHaveBeenCalled();

      hasher.verify.mockResolvedValue(false);
      users.findByName.mockResolvedValue(userRow({ username: 'admin', email: 'old@example.com' }));
      await sut.ensureAdministrator(admin);
      expect(users.update).toHaveBeenLastCalledWith(12, {
        isAdmin: true,
        isActive: true,
        email: 'root@example.com',
        emailVerified: false,
        passwordHash: '$2b$04$new',
        passwordChangedAt: expect.any(Date),
      });
    });

    it('should refuse a name held by an organization', async () => {
      users.findByName.mockResolvedValue(userRow({ isOrg: true }));
      await expect(sut.ensureAdministrator(admin)).rejects.toThrow('is the name of an organization');
    });
  });
});
