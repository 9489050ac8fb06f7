import { Injectable } from '@nestjs/common';
import { ChangePasswordDto, ChangePasswordResponseDto, LoginResponseDto, toAccountDto } from 'src/auth/auth.dto';
import { normalizeName } from 'src/auth/names';
import { PasswordHasher } from 'src/auth/password-hasher';
import { RateLimiter } from 'src/auth/rate-limiter';
import { SessionsService } from 'src/auth/sessions.service';
import { UserEntity } from 'src/auth/user.entity';
import { UserRepository } from 'src/auth/user.repository';
import { AuthUser } from 'src/common/auth-user';
import { BadRequestError, ForbiddenError, NotFoundError, UnauthorizedError } from 'src/common/errors/hub-error';
import { HubConfig } from 'src/config/hub-config';

/** One message for an unknown account and a wrong password, so the answer never tells which it was. */
export const INVALID_LOGIN_MESSAGE = 'Invalid username or password';

/**
 * The id `AuthUser.credentialId` carries when git sent the account password over HTTP Basic:
 * such a request has no session row (database ids start at 1).
 */
export const PASSWORD_CREDENTIAL_ID = 0;

export interface ClientContext {
  ip: string;
  userAgent?: string;
}

/** Login names are compared the way they are stored: emails lower-cased, usernames normalised. */
function loginKey(identifier: string): string {
  const trimmed = identifier.trim();
  return trimmed.includes('@') ? trimmed.toLowerCase() : normalizeName(trimmed);
}

/** Password checks (web login, git over HTTP Basic, password change) under the login rate limit, and sessions. */
@Injectable()
export class LoginService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly rateLimiter: RateLimiter,
    private readonly config: HubConfig,
  ) {}

  async login(identifier: string, password: string, client: ClientContext): Promise<LoginResponseDto> {
    const user = await this.checkPassword(identifier, password, client.ip);
    if (!user) {
      throw new UnauthorizedError(INVALID_LOGIN_MESSAGE);
    }
    if (!user.isActive) {
      throw new ForbiddenError('This account is deactivated; ask an administrator');
    }
    const session = await this.sessions.issue(user.id, client.userAgent);
    return { token: session.token, expiresAt: session.expiresAt.toISOString(), user: toAccountDto(user) };
  }

  /** The active account a username + password pair opens (git over HTTP Basic), or undefined. */
  async authenticatePassword(username: string, password: string, ip: string): Promise<UserEntity | undefined> {
    const user = await this.checkPassword(username, password, ip);
    return user?.isActive ? user : undefined;
  }

  /** Ends the web session the caller used. API tokens are revoked through the token endpoints instead. */
  async logout(caller: AuthUser): Promise<void> {
    if (caller.credential === 'token') {
      throw new BadRequestError(
        'Logout ends a web session, but this request used an API token; revoke tokens with DELETE /api/auth/tokens/{token_id}',
      );
    }
    if (caller.credentialId !== PASSWORD_CREDENTIAL_ID) {
      await this.sessions.revoke(caller.credentialId);
    }
  }

  /** Changes the caller's password after checking the current one, and signs out every other session. */
  async changePassword(caller: AuthUser, input: ChangePasswordDto, ip: string): Promise<ChangePasswordResponseDto> {
    const account = await this.users.findById(caller.id);
    if (!account) {
      throw new NotFoundError(`User not found: ${caller.username}`);
    }
    if (!(await this.checkPassword(account.username, input.currentPassword, ip))) {
      throw new ForbiddenError('The current password is incorrect');
    }
    const passwordHash = await this.hasher.hash(input.newPassword, 'New password');
    await this.users.update(account.id, { passwordHash, passwordChangedAt: new Date() });
    const keep =
      caller.credential === 'session' && caller.credentialId !== PASSWORD_CREDENTIAL_ID
        ? caller.credentialId
        : undefined;
    const revokedSessions = await this.sessions.revokeAllOfUser(account.id, keep);
    return { message: 'Password changed; other sessions were signed out', revokedSessions };
  }

  /**
   * Counts the attempt against the client IP and the login name, then compares the password. An
   * unknown name still costs one bcrypt comparison (against a dummy hash), so timing does not tell
   * it apart from a wrong password. Success clears the name's counter, never the IP's.
   */
  private async checkPassword(identifier: string, password: string, ip: string): Promise<UserEntity | undefined> {
    const { auth } = this.config;
    const key = loginKey(identifier);
    const accountCounter = `login:user:${key}`;
    await this.rateLimiter.consume(
      [
        { key: `login:ip:${ip}`, limit: auth.loginAttemptsPerIp },
        { key: accountCounter, limit: auth.loginAttemptsPerUsername },
      ],
      { windowSeconds: auth.loginWindowSeconds, what: 'login attempts' },
    );
    const found = key.includes('@') ? await this.users.findByEmail(key) : await this.users.findByName(key);
    const candidate = found && !found.isOrg ? found : undefined;
    if (!(await this.hasher.verify(password, candidate?.passwordHash))) {
      return undefined;
    }
    await this.rateLimiter.reset(accountCounter);
    return candidate;
  }
}
