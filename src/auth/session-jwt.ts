import { JwtModuleOptions } from '@nestjs/jwt';
import { Request } from 'express';
import { Strategy as JwtStrategy } from 'passport-jwt';
import { readPresentedCredential } from 'src/auth/credentials';
import { isApiTokenSecret } from 'src/auth/secrets';

export const SESSION_JWT_ISSUER = 'kohaku-hub';
export const SESSION_JWT_AUDIENCE = 'kohaku-hub-session';

/** What a verified session JWT says: the user (`sub`) and the session row (`sid`). */
export interface SessionClaims {
  userId: number;
  sessionId: number;
}

/** A session JWT travels in the `kohaku_session` cookie or as a Bearer value that is not an `hf_` API token. */
export function extractSessionJwt(request: Request): string | null {
  const presented = readPresentedCredential(request);
  if (presented === undefined || presented === 'malformed') {
    return null;
  }
  if (presented.kind === 'cookie' || (presented.kind === 'bearer' && !isApiTokenSecret(presented.secret))) {
    return presented.secret;
  }
  return null;
}

function toClaims(payload: unknown): SessionClaims | undefined {
  const { sub, sid } = (payload ?? {}) as { sub?: unknown; sid?: unknown };
  const userId = typeof sub === 'string' && /^\d+$/.test(sub) ? Number(sub) : NaN;
  if (!Number.isSafeInteger(userId) || typeof sid !== 'number' || !Number.isSafeInteger(sid)) {
    return undefined;
  }
  return { userId, sessionId: sid };
}

/** passport-jwt checks the signature (HS256 only), expiry, issuer and audience; the payload must name a user and a session. */
export function createSessionJwtStrategy(secret: string): JwtStrategy {
  return new JwtStrategy(
    {
      jwtFromRequest: extractSessionJwt,
      secretOrKey: secret,
      algorithms: ['HS256'],
      issuer: SESSION_JWT_ISSUER,
      audience: SESSION_JWT_AUDIENCE,
    },
    (payload: unknown, done: (error: unknown, claims?: SessionClaims | false) => void) => {
      done(null, toClaims(payload) ?? false);
    },
  );
}

/**
 * Runs the strategy on one request outside passport's middleware: like passport itself, it gives a
 * per-request copy of the strategy the success/fail/error callbacks. Resolves undefined for a
 * missing, forged, expired or malformed JWT.
 */
export function verifySessionJwt(strategy: JwtStrategy, request: Request): Promise<SessionClaims | undefined> {
  return new Promise((resolve) => {
    const attempt = Object.create(strategy) as JwtStrategy;
    attempt.success = (claims: SessionClaims) => resolve(claims);
    attempt.fail = () => resolve(undefined);
    attempt.error = () => resolve(undefined);
    attempt.pass = () => resolve(undefined);
    attempt.redirect = () => resolve(undefined);
    attempt.authenticate(request, { session: false });
  });
}

/** Options for `JwtModule`: the signing half of what the strategy verifies. */
export function sessionJwtModuleOptions(secret: string): JwtModuleOptions {
  return {
    secret,
    signOptions: { algorithm: 'HS256', issuer: SESSION_JWT_ISSUER, audience: SESSION_JWT_AUDIENCE },
  };
}
