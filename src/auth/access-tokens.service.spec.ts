import { AccessTokenEntity } from 'src/auth/access-token.entity';
import { AccessTokenRepository } from 'src/auth/access-token.repository';
import { AccessTokensService } from 'src/auth/access-tokens.service';
import { hashSecret } from 'src/auth/secrets';
import { UserEntity } from 'src/auth/user.entity';
import { AuthUser } from 'src/common/auth-user';

function tokenRow(overrides: Partial<AccessTokenEntity> = {}): AccessTokenEntity {
  return {
    id: 7,
    userId: 1,
    name: 'laptop',
    role: 'write',
    tokenHash: 'x'.repeat(64),
    displayPrefix: 'hf_ab',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    lastUsedAt: null,
    expiresAt: null,
    user: { id: 1, username: 'tina', isActive: true, isOrg: false } as UserEntity,
    ...overrides,
  };
}

describe(AccessTokensService.name, () => {
  let repository: jest.Mocked<AccessTokenRepository>;
  let sut: AccessTokensService;
  const sessionCaller: AuthUser = { id: 1, username: 'tina', isAdmin: false, credential: 'session', credentialId: 3 };

  beforeEach(() => {
    repository = {
      insert: jest.fn((fields) => Promise.resolve(tokenRow({ ...fields, id: 9 }))),
      findByHashWithUser: jest.fn(),
      findById: jest.fn(),
      listForUser: jest.fn(),
      deleteOwned: jest.fn(),
      touch: jest.fn().mockResolvedValue(undefined),
    } as unknown as jest.Mocked<AccessTokenRepository>;
    sut = new AccessTokensService(repository);
  });

  it('should store only the hash and a short prefix, and return the secret once', async () => {
    const created = await sut.create(sessionCaller, { name: ' laptop ' });
    const stored = repository.insert.mock.calls[0][0];
    expect(created.token).toMatch(/^hf_[A-Za-z0-9]{37}$/);
    expect(stored).toEqual({
      userId: 1,
      name: 'laptop',
      role: 'write',
      tokenHash: hashSecret(created.token),
      displayPrefix: created.token.slice(0, 5),
      expiresAt: null,
    });
    expect(created).toMatchObject({ id: 9, role: 'write', displayPrefix: `${created.token.slice(0, 5)}…` });
  });

  it('should compute the expiry from expiresInDays', async () => {
    const before = Date.now();
    await sut.create(sessionCaller, { name: 'ci', role: 'read', expiresInDays: 2 });
    const { expiresAt, role } = repository.insert.mock.calls[0][0];
    expect(role).toBe('read');
    expect(expiresAt!.getTime() - before).toBeGreaterThanOrEqual(2 * 86_400_000);
    expect(expiresAt!.getTime() - before).toBeLessThan(2 * 86_400_000 + 5_000);
  });

  it('should not let a read token mint a write token', () => {
    const readCaller: AuthUser = { ...sessionCaller, credential: 'token', tokenRole: 'read' };
    expect(() => sut.create(readCaller, { name: 'escalate' })).toThrow('A read-only token cannot create a token');
    expect(repository.insert).not.toHaveBeenCalled();
  });

  it('should answer 404 for a token that is missing or not the caller’s', async () => {
    repository.deleteOwned.mockResolvedValue(false);
    await expect(sut.revoke(1, 99)).rejects.toMatchObject({ status: 404, message: 'Token not found: 99' });
    expect(repository.deleteOwned).toHaveBeenCalledWith(99, 1);
  });

  it('should authenticate a live token by its hash and record its use without waiting', async () => {
    repository.findByHashWithUser.mockResolvedValue(tokenRow());
    const found = await sut.authenticate('hf_secret');
    expect(repository.findByHashWithUser).toHaveBeenCalledWith(hashSecret('hf_secret'));
    expect(found).toMatchObject({ role: 'write', user: { username: 'tina' }, token: { id: 7 } });
    const [id, now, cutoff] = repository.touch.mock.calls[0];
    expect(id).toBe(7);
    expect(now.getTime() - cutoff.getTime()).toBe(60_000);
  });

  it.each([
    ['an unknown token', null],
    ['an expired token', tokenRow({ expiresAt: new Date(Date.now() - 1) })],
    ['a token of a deactivated user', tokenRow({ user: { isActive: false, isOrg: false } as UserEntity })],
  ])('should refuse %s', async (_label, row) => {
    repository.findByHashWithUser.mockResolvedValue(row);
    await expect(sut.authenticate('hf_secret')).resolves.toBeUndefined();
    expect(repository.touch).not.toHaveBeenCalled();
  });

  it('should not even look up a secret that is not an hf_ token', async () => {
    await expect(sut.authenticate('eyJhbGciOi')).resolves.toBeUndefined();
    expect(repository.findByHashWithUser).not.toHaveBeenCalled();
  });
});
