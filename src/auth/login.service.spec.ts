import { LoginService, PASSWORD_CREDENTIAL_ID } from 'src/auth/login.service';
import { PasswordHasher } from 'src/auth/password-hasher';
import { RateLimiter } from 'src/auth/rate-limiter';
import { SessionsService } from 'src/auth/sessions.service';
import { UserEntity } from 'src/auth/user.entity';
import { UserRepository } from 'src/auth/user.repository';
import { AuthUser } from 'src/common/auth-user';
import { TooManyRequestsError } from 'src/common/errors/hub-error';
import { HubConfig } from 'src/config/hub-config';

const alice = {
  id: 1,
  username: 'Alice',
  email: 'alice@example.com',
  passwordHash: '$2b$04$hash',
  isActive: true,
  isOrg: false,
  isAdmin: false,
  emailVerified: false,
  fullName: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
} as UserEntity;

describe(LoginService.name, () => {
  let users: jest.Mocked<Pick<UserRepository, 'findByName' | 'findByEmail' | 'findById' | 'update'>>;
  let hasher: jest.Mocked<Pick<PasswordHasher, 'verify' | 'hash'>>;
  let sessions: jest.Mocked<Pick<SessionsService, 'issue' | 'revoke' | 'revokeAllOfUser'>>;
  let rateLimiter: jest.Mocked<Pick<RateLimiter, 'consume' | 'reset'>>;
  let sut: LoginService;
  const config = {
    auth: { loginAttemptsPerIp: 50, loginAttemptsPerUsername: 10, loginWindowSeconds: 900 },
  } as HubConfig;

  beforeEach(() => {
    users = {
      findByName: jest.fn().mockResolvedValue(null),
      findByEmail: jest.fn().mockResolvedValue(null),
      findById: jest.fn().mockResolvedValue(alice),
      update: jest.fn().mockResolvedValue(undefined),
    };
    hasher = { verify: jest.fn().mockResolvedValue(false), hash: jest.fn().mockResolvedValue('$2b$04$new') };
    sessions = {
      issue: jest.fn().mockResolvedValue({ token: 'jwt', sessionId: 5, expiresAt: new Date('2026-02-01T00:00:00Z') }),
      revoke: jest.fn().mockResolvedValue(undefined),
      revokeAllOfUser: jest.fn().mockResolvedValue(2),
    };
    rateLimiter = { consume: jest.fn().mockResolvedValue(undefined), reset: jest.fn().mockResolvedValue(undefined) };
    sut = new LoginService(
      users as unknown as UserRepository,
      hasher as unknown as PasswordHasher,
      sessions as unknown as SessionsService,
      rateLimiter as unknown as RateLimiter,
      config,
    );
  });

  it('should issue a session for the right password and clear the name counter, not the IP counter', async () => {
    users.findByName.mockResolvedValue(alice);
    hasher.verify.mockResolvedValue(true);
    const result = await sut.login('ALICE', 'pw', { ip: '10.0.0.1', userAgent: 'curl' });
    expect(result).toEqual({
      token: 'jwt',
      expiresAt: '2026-02-01T00:00:00.000Z',
      user: expect.objectContaining({ username: 'Alice' }),
    });
    expect(rateLimiter.consume).toHaveBeenCalledWith(
      [
        { key: 'login:ip:10.0.0.1', limit: 50 },
        { key: 'login:user:alice', limit: 10 },
      ],
      { windowSeconds: 900, what: 'login attempts' },
    );
    expect(rateLimiter.reset).toHaveBeenCalledWith('login:user:alice');
    expect(sessions.issue).toHaveBeenCalledWith(1, 'curl');
  });

  it('should look emails up by email, lower-cased', async () => {
    users.findByEmail.mockResolvedValue(alice);
    hasher.verify.mockResolvedValue(true);
    await sut.login(' Alice@Example.com ', 'pw', { ip: '::1' });
    expect(users.findByEmail).toHaveBeenCalledWith('alice@example.com');
    expect(users.findByName).not.toHaveBeenCalled();
  });

  it('should answer an unknown user and a wrong password with the same error, both after a bcrypt comparison', async () => {
    const unknown = await sut.login('ghost', 'pw', { ip: '::1' }).catch((error: Error) => error);
    users.findByName.mockResolvedValue(alice);
    const wrong = await sut.login('alice', 'pw', { ip: '::1' }).catch((error: Error) => error);
    expect(unknown).toEqual(wrong);
    expect(unknown).toMatchObject({ status: 401, code: 'Unauthorized', message: 'Invalid username or password' });
    expect(hasher.verify.mock.calls).toEqual([
      ['pw', undefined],
      ['pw', alice.passwordHash],
    ]);
    expect(rateLimiter.reset).not.toHaveBeenCalled();
  });

  it('should never log in to an organization', async () => {
    users.findByName.mockResolvedValue({ ...alice, isOrg: true });
    await expect(sut.login('alice', 'pw', { ip: '::1' })).rejects.toMatchObject({ status: 401 });
    expect(hasher.verify).toHaveBeenCalledWith('pw', undefined);
  });

  it('should tell a deactivated account so only once the password is right', async () => {
    users.findByName.mockResolvedValue({ ...alice, isActive: false });
    hasher.verify.mockResolvedValue(true);
    await expect(sut.login('alice', 'pw', { ip: '::1' })).rejects.toMatchObject({ status: 403 });
    await expect(sut.authenticatePassword('alice', 'pw', '::1')).resolves.toBeUndefined();
  });

  it('should refuse before comparing when the rate limit is exceeded', async () => {
    rateLimiter.consume.mockRejectedValue(new TooManyRequestsError('Too many login attempts', 30));
    await expect(sut.login('alice', 'pw', { ip: '::1' })).rejects.toMatchObject({ status: 429 });
    expect(hasher.verify).not.toHaveBeenCalled();
  });

  it('should revoke the session on logout and refuse API-token callers', async () => {
    const caller: AuthUser = { id: 1, username: 'Alice', isAdmin: false, credential: 'session', credentialId: 5 };
    await sut.logout(caller);
    expect(sessions.revoke).toHaveBeenCalledWith(5);
    await sut.logout({ ...caller, credentialId: PASSWORD_CREDENTIAL_ID });
    expect(sessions.revoke).toHaveBeenCalledTimes(1);
    await expect(sut.logout({ ...caller, credential: 'token', tokenRole: 'write' })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('should change the password and revoke every session but the caller’s', async () => {
    hasher.verify.mockResolvedValue(true);
    users.findByName.mockResolvedValue(alice);
    const caller: AuthUser = { id: 1, username: 'Alice', isAdmin: false, credential: 'session', credentialId: 5 };
    const result = await sut.changePassword(caller, { currentPassword: 'old', newPassword: 'new password' }, '::1');
    expect(result).toEqual({ message: expect.any(String), revokedSessions: 2 });
    expect(hasher.hash).toHaveBeenCalledWith('new password', 'New password');
    expect(users.update).toHaveBeenCalledWith(1, { passwordHash: '$2b$04$new', passwordChangedAt: expect.any(Date) });
    expect(sessions.revokeAllOfUser).toHaveBeenCalledWith(1, 5);

    await sut.changePassword(
      { ...caller, credential: 'token', credentialId: 8, tokenRole: 'write' },
      {
        currentPassword: 'old',
        newPassword: 'new password',
      },
      '::1',
    );
    expect(sessions.revokeAllOfUser).toHaveBeenLastCalledWith(1, undefined);
  });

  it('should refuse a wrong current password without changing anything', async () => {
    users.findByName.mockResolvedValue(alice);
    const caller: AuthUser = { id: 1, username: 'Alice', isAdmin: false, credential: 'session', credentialId: 5 };
    await expect(
      sut.changePassword(caller, { currentPassword: 'nope', newPassword: 'new password' }, '::1'),
    ).rejects.toMatchObject({ status: 403, message: 'The current password is incorrect' });
    expect(users.update).not.toHaveBeenCalled();
    expect(sessions.revokeAllOfUser).not.toHaveBeenCalled();
  });
});
