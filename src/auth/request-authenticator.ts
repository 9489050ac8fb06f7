import { Injectable } from '@nestjs/common';
import { AccessTokensService } from 'src/auth/access-tokens.service';
import { readPresentedCredential } from 'src/auth/credentials';
import { LoginService, PASSWORD_CREDENTIAL_ID } from 'src/auth/login.service';
import { isApiTokenSecret } from 'src/auth/secrets';
import { SessionsService } from 'src/auth/sessions.service';
import { UserEntity } from 'src/auth/user.entity';
import { AuthUser, CredentialKind, HubRequest, TokenRole } from 'src/common/auth-user';

function toAuthUser(
  user: UserEntity,
  credential: CredentialKind,
  credentialId: number,
  tokenRole?: TokenRole,
): AuthUser {
  return {
    id: user.id,
    username: user.username,
    isAdmin: user.isAdmin,
    credential,
    credentialId,
    ...(tokenRole ? { tokenRole } : {}),
  };
}

/**
 * Turns the credential a request presents into the caller: `undefined` when none was presented,
 * `'invalid'` when one was presented but does not check out.
 *
 * - `Authorization: Bearer hf_…`: an API token;
 * - `Authorization: Bearer <JWT>` or the `kohaku_session` cookie: a web session;
 * - `Authorization: Basic` (git): the password is an API token (any username) or the account
 *   password of the username, checked under the login rate limit.
 *
 * A stale session cookie counts as no credential: browsers keep sending expired cookies, and a
 * public page must still load for them. A failing Authorization header is always invalid.
 */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly tokens: AccessTokensService,
    private readonly sessions: SessionsService,
    private readonly logins: LoginService,
  ) {}

  async authenticate(request: HubRequest): Promise<AuthUser | 'invalid' | undefined> {
    const presented = readPresentedCredential(request);
    if (presented === undefined) {
      return undefined;
    }
    if (presented === 'malformed') {
      return 'invalid';
    }
    if (presented.kind !== 'cookie' && isApiTokenSecret(presented.secret)) {
      const found = await this.tokens.authenticate(presented.secret);
      return found ? toAuthUser(found.user, 'token', found.token.id, found.role) : 'invalid';
    }
    if (presented.kind === 'basic') {
      const user = await this.logins.authenticatePassword(presented.username, presented.secret, request.ip ?? '');
      return user ? toAuthUser(user, 'session', PASSWORD_CREDENTIAL_ID) : 'invalid';
    }
    const found = await this.sessions.authenticate(request);
    if (found) {
      return toAuthUser(found.user, 'session', found.session.id);
    }
    return presented.kind === 'cookie' ? undefined : 'invalid';
  }
}
