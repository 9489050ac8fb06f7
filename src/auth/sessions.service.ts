import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Request } from 'express';
import { Strategy as JwtStrategy } from 'passport-jwt';
import { SessionEntity } from 'src/auth/session.entity';
import { SessionRepository } from 'src/auth/session.repository';
import { createSessionJwtStrategy, verifySessionJwt } from 'src/auth/session-jwt';
import { UserEntity } from 'src/auth/user.entity';
import { HubConfig } from 'src/config/hub-config';

export interface IssuedSession {
  /** The signed JWT: the bearer value and the cookie value. */
  token: string;
  sessionId: number;
  expiresAt: Date;
}

const USER_AGENT_MAX_LENGTH = 256;
const LAST_SEEN_RESOLUTION_MS = 60_000;

/** Web sessions: a signed JWT naming a revocable row, so a stolen-then-revoked JWT stops working at once. */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);
  private readonly strategy: JwtStrategy;

  constructor(
    private readonly sessions: SessionRepository,
    private readonly jwt: JwtService,
    private readonly config: HubConfig,
  ) {
    this.strategy = createSessionJwtStrategy(config.secrets.sessionSecret);
  }

  async issue(userId: number, userAgent: string | undefined): Promise<IssuedSession> {
    const expiresAt = new Date(Date.now() + this.config.auth.sessionTtlHours * 3600 * 1000);
    const session = await this.sessions.insert({
      userId,
      expiresAt,
      userAgent: userAgent ? userAgent.trim().slice(0, USER_AGENT_MAX_LENGTH) : null,
    });
    const token = await this.jwt.signAsync(
      { sid: session.id, exp: Math.floor(expiresAt.getTime() / 1000) },
      { subject: String(userId) },
    );
    return { token, sessionId: session.id, expiresAt };
  }

  /**
   * The live session and active user a request's session JWT names, or undefined. The row is read
   * on every request (no cache), so revocation and deactivation take effect immediately.
   */
  async authenticate(request: Request): Promise<{ user: UserEntity; session: SessionEntity } | undefined> {
    const claims = await verifySessionJwt(this.strategy, request);
    if (claims === undefined) {
      return undefined;
    }
    const session = await this.sessions.findWithUser(claims.sessionId);
    const now = new Date();
    const user = session?.user;
    if (
      !session ||
      !user ||
      session.userId !== claims.userId ||
      session.revokedAt !== null ||
      session.expiresAt.getTime() <= now.getTime() ||
      !user.isActive ||
      user.isOrg
    ) {
      return undefined;
    }
    this.sessions
      .touch(session.id, now, new Date(now.getTime() - LAST_SEEN_RESOLUTION_MS))
      .catch((error: unknown) => this.logger.warn(`Could not record session activity: ${(error as Error).message}`));
    return { user, session };
  }

  findById(sessionId: number): Promise<SessionEntity | null> {
    return this.sessions.findById(sessionId);
  }

  revoke(sessionId: number): Promise<void> {
    return this.sessions.revoke(sessionId, new Date());
  }

  /** Revokes all of a user's sessions but `keepSessionId` (the one changing the password, when it is a session). */
  revokeAllOfUser(userId: number, keepSessionId?: number): Promise<number> {
    return this.sessions.revokeAllOfUser(userId, new Date(), keepSessionId);
  }
}
