import { JwtService } from '@nestjs/jwt';
import { Request } from 'express';
import { SessionEntity } from 'src/auth/session.entity';
import { SessionRepository } from 'src/auth/session.repository';
import { extractSessionJwt, sessionJwtModuleOptions } from 'src/auth/session-jwt';
import { SessionsService } from 'src/auth/sessions.service';
import { UserEntity } from 'src/auth/user.entity';
import { HubConfig } from 'src/config/hub-config';

const SECRET = 'a-session-secret-of-at-least-32-characters';

function bearer(token: string): Request {
  return { headers: { authorization: `Bearer ${token}` } } as unknown as Request;
}

describe(extractSessionJwt.name, () => {
  it('should take a session JWT from a Bearer value or the cookie, never an hf_ token', () => {
    expect(extractSessionJwt(bearer('a.b.c'))).toBe('a.b.c');
    expect(extractSessionJwt({ headers: { cookie: 'kohaku_session=x.y.z' } } as unknown as Request)).toBe('x.y.z');
    expect(extractSessionJwt(bearer('hf_abc'))).toBeNull();
    expect(extractSessionJwt({ headers: {} } as unknown as Request)).toBeNull();
  });
});

describe(SessionsService.name, () => {
  let repository: jest.Mocked<SessionRepository>;
  let sut: SessionsService;
  const config = { secrets: { sessionSecret: SECRET }, auth: { sessionTtlHours: 2 } } as HubConfig;
  const user = { id: 4, username: 'u', isActive: true, isOrg: false } as UserEntity;

  function sessionRow(overrides: Partial<SessionEntity> = {}): SessionEntity {
    return {
      id: 11,
      userId: 4,
      user,
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 3600_000),
      revokedAt: null,
      lastSeenAt: null,
      userAgent: null,
      ...overrides,
    };
  }

  beforeEach(() => {
    repository = {
      insert: jest.fn((fields) => Promise.resolve(sessionRow({ ...fields, id: 11 }))),
      findWithUser: jest.fn().mockResolvedValue(sessionRow()),
      findById: jest.fn(),
      touch: jest.fn().mockResolvedValue(undefined),
      revoke: jest.fn(),
      revokeAllOfUser: jest.fn(),
    } as unknown as jest.Mocked<SessionRepository>;
    sut = new SessionsService(repository, new JwtService(sessionJwtModuleOptions(SECRET)), config);
  });

  it('should issue an HS256 JWT naming the user and the session row, expiring with it', async () => {
    const issued = await sut.issue(4, `  ${'x'.repeat(300)}`);
    expect(repository.insert).toHaveBeenCalledWith({
      userId: 4,
      expiresAt: issued.expiresAt,
      userAgent: 'x'.repeat(256),
    });
    const [header, payload] = issued.token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
    expect(header).toMatchObject({ alg: 'HS256' });
    expect(payload).toMatchObject({ sub: '4', sid: 11, iss: 'kohaku-hub', aud: 'kohaku-hub-session' });
    expect(payload.exp).toBe(Math.floor(issued.expiresAt.getTime() / 1000));
    expect(issued.expiresAt.getTime() - Date.now()).toBeGreaterThan(2 * 3600_000 - 5000);
  });

  it('should authenticate a live session and record activity', async () => {
    const issued = await sut.issue(4, undefined);
    const found = await sut.authenticate(bearer(issued.token));
    expect(found).toEqual({ user, session: expect.objectContaining({ id: 11 }) });
    expect(repository.findWithUser).toHaveBeenCalledWith(11);
    expect(repository.touch).toHaveBeenCalledWith(11, expect.any(Date), expect.any(Date));
  });

  it.each([
    ['revoked', { revokedAt: new Date() }],
    ['expired', { expiresAt: new Date(Date.now() - 1) }],
    ['of another user', { userId: 5 }],
    ['of a deactivated user', { user: { ...user, isActive: false } }],
  ])('should refuse a session that is %s', async (_label, overrides) => {
    const issued = await sut.issue(4, undefined);
    repository.findWithUser.mockResolvedValue(sessionRow(overrides));
    await expect(sut.authenticate(bearer(issued.token))).resolves.toBeUndefined();
  });

  it('should refuse JWTs signed with another secret, another algorithm, or for another audience', async () => {
    const claims = { sub: '4', sid: 11, iss: 'kohaku-hub', aud: 'kohaku-hub-session' };
    const sign = (payload: object, secret: string, algorithm: 'HS256' | 'HS512' = 'HS256') =>
      new JwtService({ secret }).sign(payload, { algorithm });
    const forged = sign(claims, 'another-secret-of-at-least-32-characters!!');
    const otherAlgorithm = sign(claims, SECRET, 'HS512');
    const otherAudience = sign({ ...claims, aud: 'something-else' }, SECRET);
    const expired = sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, SECRET);
    const noSession = sign({ sub: '4', iss: 'kohaku-hub', aud: 'kohaku-hub-session' }, SECRET);
    await expect(sut.authenticate(bearer(sign(claims, SECRET)))).resolves.toBeDefined();
    repository.findWithUser.mockClear();
    for (const token of [forged, otherAlgorithm, otherAudience, expired, noSession, 'not-a-jwt']) {
      await expect(sut.authenticate(bearer(token))).resolves.toBeUndefined();
    }
    expect(repository.findWithUser).not.toHaveBeenCalled();
  });
});
