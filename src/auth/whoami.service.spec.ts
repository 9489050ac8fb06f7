import { AccessTokensService } from 'src/auth/access-tokens.service';
import { PASSWORD_CREDENTIAL_ID } from 'src/auth/login.service';
import { MembershipsService } from 'src/auth/memberships.service';
import { SessionEntity } from 'src/auth/session.entity';
import { SessionsService } from 'src/auth/sessions.service';
import { UserRepository } from 'src/auth/user.repository';
import { WhoamiService } from 'src/auth/whoami.service';
import { AuthUser } from 'src/common/auth-user';

describe(WhoamiService.name, () => {
  let users: jest.Mocked<Pick<UserRepository, 'findById'>>;
  let memberships: jest.Mocked<Pick<MembershipsService, 'listOrganisationsOf'>>;
  let tokens: jest.Mocked<Pick<AccessTokensService, 'findById'>>;
  let sessions: jest.Mocked<Pick<SessionsService, 'findById'>>;
  let sut: WhoamiService;
  const caller: AuthUser = {
    id: 3,
    username: 'tina',
    isAdmin: false,
    credential: 'token',
    credentialId: 8,
    tokenRole: 'read',
  };

  beforeEach(() => {
    users = {
      findById: jest.fn().mockResolvedValue({
        id: 3,
        username: 'tina',
        fullName: 'Tina T.',
        email: 'tina@example.com',
        emailVerified: true,
      }),
    };
    memberships = {
      listOrganisationsOf: jest.fn().mockResolvedValue([
        {
          org: {
            id: 9,
            name: 'lab',
            isOrg: true,
            fullName: null,
            email: null,
            avatarHash: null,
            isAdmin: false,
            createdAt: new Date(),
          },
          role: 'contributor',
        },
      ]),
    };
    tokens = {
      findById: jest.fn().mockResolvedValue({
        name: 'laptop',
        role: 'read',
        createdAt: new Date('2026-01-02T03:04:05.006Z'),
        expiresAt: new Date('2027-01-01T00:00:00.000Z'),
      }),
    };
    sessions = { findById: jest.fn() };
    sut = new WhoamiService(
      users as unknown as UserRepository,
      memberships as unknown as MembershipsService,
      tokens as unknown as AccessTokensService,
      sessions as unknown as SessionsService,
    );
  });

  it('should describe a token caller in the Hugging Face shape', async () => {
    await expect(sut.whoami(caller, 'https://hub.example/x')).resolves.toEqual({
      type: 'user',
      id: '3',
      name: 'tina',
      fullname: 'Tina T.',
      email: 'tina@example.com',
      emailVerified: true,
      isPro: false,
      canPay: false,
      avatarUrl: 'https://hub.example/x/api/users/tina/avatar',
      periodEnd: null,
      billingMode: 'prepaid',
      orgs: [
        {
          type: 'org',
          id: '9',
          name: 'lab',
          fullname: 'lab',
          email: null,
          canPay: false,
          avatarUrl: 'https://hub.example/x/api/organizations/lab/avatar',
          periodEnd: null,
          roleInOrg: 'contributor',
        },
      ],
      auth: {
        type: 'access_token',
        accessToken: { displayName: 'laptop', role: 'read', createdAt: '2026-01-02T03:04:05.006Z' },
        expiresAt: '2027-01-01T00:00:00.000Z',
      },
    });
  });

  it('should describe web sessions and git passwords as write credentials', async () => {
    sessions.findById.mockResolvedValue({
      createdAt: new Date('2026-05-05T00:00:00.000Z'),
      expiresAt: new Date('2026-05-19T00:00:00.000Z'),
    } as SessionEntity);
    const session = await sut.whoami(
      { ...caller, credential: 'session', credentialId: 4, tokenRole: undefined },
      'http://h',
    );
    expect(session.auth).toEqual({
      type: 'session',
      accessToken: { displayName: 'web session', role: 'write', createdAt: '2026-05-05T00:00:00.000Z' },
      expiresAt: '2026-05-19T00:00:00.000Z',
    });
    const password = await sut.whoami(
      { ...caller, credential: 'session', credentialId: PASSWORD_CREDENTIAL_ID, tokenRole: undefined },
      'http://h',
    );
    expect(password.auth).toEqual({
      type: 'session',
      accessToken: { displayName: 'password', role: 'write', createdAt: expect.any(String) },
    });
    expect(sessions.findById).toHaveBeenCalledTimes(1);
  });
});
