import { AuthUser } from 'src/common/auth-user';
import { BadRequestError, ForbiddenError, NotFoundError } from 'src/common/errors/hub-error';
import { EmailVerificationService } from 'src/auth/email-verification.service';
import { UserEntity } from 'src/auth/user.entity';
import { UserSettingsRepository } from 'src/auth/user-settings.repository';
import { EmailInUseError, UserSettingsService } from 'src/auth/user-settings.service';
import { NamespaceOwner, UsersService } from 'src/auth/users.service';

const alice: AuthUser = { id: 7, username: 'alice', isAdmin: false, credential: 'token', credentialId: 1 };
const admin: AuthUser = { id: 1, username: 'root', isAdmin: true, credential: 'session', credentialId: 2 };

const aliceOwner: NamespaceOwner = {
  id: 7,
  name: 'alice',
  isOrg: false,
  fullName: null,
  email: 'alice@example.com',
  avatarHash: null,
  isAdmin: false,
  createdAt: new Date(),
};

describe(UserSettingsService.name, () => {
  let sut: UserSettingsService;
  let users: jest.Mocked<Pick<UsersService, 'getUserByName'>>;
  let settings: jest.Mocked<Pick<UserSettingsRepository, 'findById' | 'findByEmail' | 'update'>>;
  let emailVerification: jest.Mocked<Pick<EmailVerificationService, 'sendLink'>>;
  let row: UserEntity;
  const baseUrl = 'https://hub.test';

  beforeEach(() => {
    row = Object.assign(new UserEntity(), {
      id: 7,
      username: 'alice',
      fullName: null,
      bio: null,
      website: null,
      email: 'alice@example.com',
      emailVerified: true,
    });
    users = { getUserByName: jest.fn().mockResolvedValue(aliceOwner) };
    settings = {
      findById: jest.fn((_id: number) => Promise.resolve(row)),
      findByEmail: jest.fn().mockResolvedValue(null),
      update: jest.fn((_id: number, changes: Partial<UserEntity>) => {
        Object.assign(row, changes);
        return Promise.resolve(true);
      }),
    };
    emailVerification = { sendLink: jest.fn().mockResolvedValue(true) };
    sut = new UserSettingsService(
      users as unknown as UsersService,
      settings as unknown as UserSettingsRepository,
      emailVerification as unknown as EmailVerificationService,
    );
  });

  it('should change only the fields sent and return the resulting profile', async () => {
    const result = await sut.updateSettings(
      alice,
      'alice',
      {
        full_name: 'Alice Liddell',
        website: 'https://a.example',
      },
      baseUrl,
    );
    expect(settings.update).toHaveBeenCalledWith(7, { fullName: 'Alice Liddell', website: 'https://a.example' });
    expect(result).toEqual({
      success: true,
      message: 'User settings updated successfully',
      username: 'alice',
      full_name: 'Alice Liddell',
      bio: null,
      website: 'https://a.example',
      email: 'alice@example.com',
      email_verified: true,
      email_verification_sent: false,
    });
    expect(emailVerification.sendLink).not.toHaveBeenCalled();
  });

  it('should accept fullName as well as full_name, and refuse both with different values', async () => {
    await sut.updateSettings(alice, 'alice', { fullName: 'A' }, baseUrl);
    expect(settings.update).toHaveBeenLastCalledWith(7, { fullName: 'A' });
    await expect(sut.updateSettings(alice, 'alice', { fullName: 'A', full_name: 'B' }, baseUrl)).rejects.toBeInstanceOf(
      BadRequestError,
    );
  });

  it('should clear fields sent empty or null', async () => {
    await sut.updateSettings(alice, 'alice', { bio: '   ', website: '', full_name: null }, baseUrl);
    expect(settings.update).toHaveBeenCalledWith(7, { bio: null, website: null, fullName: null });
  });

  it('should store a new email in lower case and ask for verification again', async () => {
    const result = await sut.updateSettings(alice, 'alice', { email: 'New@Example.com' }, baseUrl);
    expect(settings.findByEmail).toHaveBeenCalledWith('new@example.com');
    expect(settings.update).toHaveBeenCalledWith(7, { email: 'new@example.com', emailVerified: false });
    expect(result).toMatchObject({
      email: 'new@example.com',
      email_verified: false,
      email_verification_sent: true,
    });
    expect(emailVerification.sendLink).toHaveBeenCalledWith(
      { id: 7, username: 'alice', email: 'new@example.com' },
      baseUrl,
    );
  });

  it('should keep the verification when the email sent is the current one', async () => {
    await sut.updateSettings(alice, 'alice', { email: 'ALICE@example.com' }, baseUrl);
    expect(settings.update).not.toHaveBeenCalled();
    expect(row.emailVerified).toBe(true);
  });

  it('should refuse an email used by another account with 409, before and during the update', async () => {
    settings.findByEmail.mockResolvedValue(Object.assign(new UserEntity(), { id: 8 }));
    await expect(sut.updateSettings(alice, 'alice', { email: 'bob@example.com' }, baseUrl)).rejects.toBeInstanceOf(
      EmailInUseError,
    );
    expect(settings.update).not.toHaveBeenCalled();
    settings.findByEmail.mockResolvedValue(null);
    settings.update.mockResolvedValue(false);
    await expect(sut.updateSettings(alice, 'alice', { email: 'bob@example.com' }, baseUrl)).rejects.toMatchObject({
      status: 409,
    });
  });

  it('should let only the user themself or a site administrator change the settings', async () => {
    const bob: AuthUser = { ...alice, id: 8, username: 'bob' };
    await expect(sut.updateSettings(bob, 'alice', { bio: 'hi' }, baseUrl)).rejects.toBeInstanceOf(ForbiddenError);
    expect(settings.update).not.toHaveBeenCalled();
    await expect(sut.updateSettings(admin, 'alice', { bio: 'hi' }, baseUrl)).resolves.toMatchObject({ bio: 'hi' });
  });

  it('should pass on a 404 for an unknown user or an organization', async () => {
    users.getUserByName.mockRejectedValue(new NotFoundError('User not found: org'));
    await expect(sut.updateSettings(admin, 'org', { bio: 'x' }, baseUrl)).rejects.toBeInstanceOf(NotFoundError);
  });
});
