import { AccessTokensService } from 'src/auth/access-tokens.service';
import { LoginService, PASSWORD_CREDENTIAL_ID } from 'src/auth/login.service';
import { RequestAuthenticator } from 'src/auth/request-authenticator';
import { SessionsService } from 'src/auth/sessions.service';
import { SessionEntity } from 'src/auth/session.entity';
import { AccessTokenEntity } from 'src/auth/access-token.entity';
import { UserEntity } from 'src/auth/user.entity';
import { HubRequest } from 'src/common/auth-user';

const user = { id: 3, username: 'tina', isAdmin: true } as UserEntity;

function requestWith(headers: Record<string, string>): HubRequest {
  return { headers, ip: '10.1.1.1' } as unknown as HubRequest;
}

describe(RequestAuthenticator.name, () => {
  let tokens: jest.Mocked<Pick<AccessTokensService, 'authenticate'>>;
  let sessions: jest.Mocked<Pick<SessionsService, 'authenticate'>>;
  let logins: jest.Mocked<Pick<LoginService, 'authenticatePassword'>>;
  let sut: RequestAuthenticator;

  beforeEach(() => {
    tokens = { authenticate: jest.fn().mockResolvedValue(undefined) };
    sessions = { authenticate: jest.fn().mockResolvedValue(undefined) };
    logins = { authenticatePassword: jest.fn().mockResolvedValue(undefined) };
    sut = new RequestAuthenticator(
      tokens as unknown as AccessTokensService,
      sessions as unknown as SessionsService,
      logins as unknown as LoginService,
    );
  });

  it('should be undefined without credentials and invalid for a malformed header', async () => {
    await expect(sut.authenticate(requestWith({}))).resolves.toBeUndefined();
    await expect(sut.authenticate(requestWith({ authorization: 'Digest x' }))).resolves.toBe('invalid');
  });

  it('should authenticate Bearer hf_ tokens with their role', async () => {
    tokens.authenticate.mockResolvedValue({ user, token: { id: 8 } as AccessTokenEntity, role: 'read' });
    await expect(sut.authenticate(requestWith({ authorization: 'Bearer hf_abc' }))).resolves.toEqual({
      id: 3,
      username: 'tina',
      isAdmin: true,
      credential: 'token',
      credentialId: 8,
      tokenRole: 'read',
    });
    expect(tokens.authenticate).toHaveBeenCalledWith('hf_abc');
    expect(sessions.authenticate).not.toHaveBeenCalled();
  });

  it('should accept a token as the Basic password with any username', async () => {
    tokens.authenticate.mockResolvedValue({ user, token: { id: 8 } as AccessTokenEntity, role: 'write' });
    const header = `Basic ${Buffer.from('git:hf_abc').toString('base64')}`;
    await expect(sut.authenticate(requestWith({ authorization: header }))).resolves.toMatchObject({
      credential: 'token',
      tokenRole: 'write',
    });
    expect(logins.authenticatePassword).not.toHaveBeenCalled();
  });

  it('should check a Basic account password under the login rate limit of the client IP', async () => {
    logins.authenticatePassword.mockResolvedValue(user);
    const header = `Basic ${Buffer.from('tina:my password').toString('base64')}`;
    const caller = await sut.authenticate(requestWith({ authorization: header }));
    expect(logins.authenticatePassword).toHaveBeenCalledWith('tina', 'my password', '10.1.1.1');
    expect(caller).toEqual({
      id: 3,
      username: 'tina',
      isAdmin: true,
      credential: 'session',
      credentialId: PASSWORD_CREDENTIAL_ID,
    });
    logins.authenticatePassword.mockResolvedValue(undefined);
    await expect(sut.authenticate(requestWith({ authorization: header }))).resolves.toBe('invalid');
  });

  it('should authenticate sessions from a Bearer JWT or the cookie, without a token role', async () => {
    sessions.authenticate.mockResolvedValue({ user, session: { id: 21 } as SessionEntity });
    await expect(sut.authenticate(requestWith({ authorization: 'Bearer a.b.c' }))).resolves.toEqual({
      id: 3,
      username: 'tina',
      isAdmin: true,
      credential: 'session',
      credentialId: 21,
    });
    await expect(sut.authenticate(requestWith({ cookie: 'kohaku_session=a.b.c' }))).resolves.toMatchObject({
      credentialId: 21,
    });
  });

  it('should call a bad Bearer value invalid but treat a stale cookie as no credential', async () => {
    await expect(sut.authenticate(requestWith({ authorization: 'Bearer hf_revoked' }))).resolves.toBe('invalid');
    await expect(sut.authenticate(requestWith({ authorization: 'Bearer a.b.c' }))).resolves.toBe('invalid');
    await expect(sut.authenticate(requestWith({ cookie: 'kohaku_session=a.b.c' }))).resolves.toBeUndefined();
  });
});
