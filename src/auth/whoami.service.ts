import { Injectable } from '@nestjs/common';
import { AccessTokensService } from 'src/auth/access-tokens.service';
import { INVALID_CREDENTIALS_MESSAGE } from 'src/auth/auth.guard';
import { PASSWORD_CREDENTIAL_ID } from 'src/auth/login.service';
import { MembershipsService } from 'src/auth/memberships.service';
import { SessionsService } from 'src/auth/sessions.service';
import { UserRepository } from 'src/auth/user.repository';
import { WhoamiAuthDto, WhoamiResponseDto } from 'src/auth/whoami.dto';
import { AuthUser } from 'src/common/auth-user';
import { UnauthorizedError } from 'src/common/errors/hub-error';

/** Builds `GET /api/whoami-v2` (hf-protocol §3.1). */
@Injectable()
export class WhoamiService {
  constructor(
    private readonly users: UserRepository,
    private readonly memberships: MembershipsService,
    private readonly tokens: AccessTokensService,
    private readonly sessions: SessionsService,
  ) {}

  async whoami(caller: AuthUser, publicBaseUrl: string): Promise<WhoamiResponseDto> {
    const [user, memberships, auth] = await Promise.all([
      this.users.findById(caller.id),
      this.memberships.listOrganisationsOf(caller.id),
      this.describeCredential(caller),
    ]);
    if (!user) {
      throw new UnauthorizedError(INVALID_CREDENTIALS_MESSAGE);
    }
    return {
      type: 'user',
      id: String(user.id),
      name: user.username,
      fullname: user.fullName ?? user.username,
      email: user.email,
      emailVerified: user.emailVerified,
      isPro: false,
      canPay: false,
      avatarUrl: `${publicBaseUrl}/api/users/${encodeURIComponent(user.username)}/avatar`,
      periodEnd: null,
      billingMode: 'prepaid',
      orgs: memberships.map(({ org, role }) => ({
        type: 'org',
        id: String(org.id),
        name: org.name,
        fullname: org.fullName ?? org.name,
        email: null,
        canPay: false,
        avatarUrl: `${publicBaseUrl}/api/organizations/${encodeURIComponent(org.name)}/avatar`,
        periodEnd: null,
        roleInOrg: role,
      })),
      auth,
    };
  }

  /** Python's `login` logs the role and stores `displayName` as the token's name; JS requires `auth` to exist. */
  private async describeCredential(caller: AuthUser): Promise<WhoamiAuthDto> {
    if (caller.credential === 'token') {
      const token = await this.tokens.findById(caller.credentialId);
      if (!token) {
        throw new UnauthorizedError(INVALID_CREDENTIALS_MESSAGE);
      }
      return {
        type: 'access_token',
        accessToken: { displayName: token.name, role: token.role, createdAt: token.createdAt.toISOString() },
        ...(token.expiresAt ? { expiresAt: token.expiresAt.toISOString() } : {}),
      };
    }
    const session =
      caller.credentialId === PASSWORD_CREDENTIAL_ID ? null : await this.sessions.findById(caller.credentialId);
    return {
      type: 'session',
      accessToken: {
        displayName: session ? 'web session' : 'password',
        role: 'write',
        createdAt: (session?.createdAt ?? new Date()).toISOString(),
      },
      ...(session ? { expiresAt: session.expiresAt.toISOString() } : {}),
    };
  }
}
