import { Injectable, Logger } from '@nestjs/common';
import { AccessTokenDto, CreateAccessTokenDto, CreatedAccessTokenDto, toAccessTokenDto } from 'src/auth/auth.dto';
import { AccessTokenEntity } from 'src/auth/access-token.entity';
import { AccessTokenRepository } from 'src/auth/access-token.repository';
import { apiTokenDisplayPrefix, generateApiTokenSecret, hashSecret, isApiTokenSecret } from 'src/auth/secrets';
import { UserEntity } from 'src/auth/user.entity';
import { AuthUser, TokenRole } from 'src/common/auth-user';
import { ForbiddenError, NotFoundError } from 'src/common/errors/hub-error';

const LAST_USED_RESOLUTION_MS = 60_000;
const DAY_MS = 24 * 3600 * 1000;

export type NewAccessToken = Pick<CreateAccessTokenDto, 'name' | 'role' | 'expiresInDays'>;

/** API tokens (`hf_…`): minted once, stored as sha256, checked against the database on every request. */
@Injectable()
export class AccessTokensService {
  private readonly logger = new Logger(AccessTokensService.name);

  constructor(private readonly tokens: AccessTokenRepository) {}

  /**
   * Mints a token for the caller. A caller who authenticated with a token cannot mint one with more
   * rights than that token has (the write scope on the route already keeps read tokens out).
   */
  create(caller: AuthUser, input: NewAccessToken): Promise<CreatedAccessTokenDto> {
    const role = input.role ?? 'write';
    if (caller.tokenRole === 'read' && role !== 'read') {
      throw new ForbiddenError('A read-only token cannot create a token with the write role');
    }
    return this.createForUser(caller.id, { ...input, role });
  }

  /** Mints a token for a user without looking at how the request was authenticated (CLI, bootstrap). */
  async createForUser(userId: number, input: NewAccessToken): Promise<CreatedAccessTokenDto> {
    const secret = generateApiTokenSecret();
    const entity = await this.tokens.insert({
      userId,
      name: input.name.trim(),
      role: input.role ?? 'write',
      tokenHash: hashSecret(secret),
      displayPrefix: apiTokenDisplayPrefix(secret),
      expiresAt: input.expiresInDays === undefined ? null : new Date(Date.now() + input.expiresInDays * DAY_MS),
    });
    return { ...toAccessTokenDto(entity), token: secret };
  }

  async list(userId: number): Promise<AccessTokenDto[]> {
    return (await this.tokens.listForUser(userId)).map(toAccessTokenDto);
  }

  /** Deletes one of the user's tokens; someone else's token answers exactly like a missing one. */
  async revoke(userId: number, tokenId: number): Promise<void> {
    if (!(await this.tokens.deleteOwned(tokenId, userId))) {
      throw new NotFoundError(`Token not found: ${tokenId}`);
    }
  }

  findById(tokenId: number): Promise<AccessTokenEntity | null> {
    return this.tokens.findById(tokenId);
  }

  /**
   * The live token and its active owner for a presented secret, or undefined. Read from the
   * database every time (no cache) so a revoked or expired token is refused at once; the
   * last-used time is written at most once a minute and never delays the request.
   */
  async authenticate(
    secret: string,
  ): Promise<{ token: AccessTokenEntity; user: UserEntity; role: TokenRole } | undefined> {
    if (!isApiTokenSecret(secret)) {
      return undefined;
    }
    const token = await this.tokens.findByHashWithUser(hashSecret(secret));
    const now = new Date();
    const user = token?.user;
    if (!token || !user || !user.isActive || user.isOrg) {
      return undefined;
    }
    if (token.expiresAt !== null && token.expiresAt.getTime() <= now.getTime()) {
      return undefined;
    }
    this.tokens
      .touch(token.id, now, new Date(now.getTime() - LAST_USED_RESOLUTION_MS))
      .catch((error: unknown) => this.logger.warn(`Could not record token use: ${(error as Error).message}`));
    return { token, user, role: token.role };
  }
}
