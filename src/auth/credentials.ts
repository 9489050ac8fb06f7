import { Request } from 'express';

export const SESSION_COOKIE = 'kohaku_session';

export type PresentedCredential =
  | { kind: 'bearer'; secret: string }
  | { kind: 'basic'; username: string; secret: string }
  | { kind: 'cookie'; secret: string };

function parseCookie(header: string | undefined, name: string): string | undefined {
  if (!header) {
    return undefined;
  }
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) {
      const value = part.slice(separator + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}

/**
 * What the caller presented, without judging it: an `Authorization` header (Bearer, or Basic as
 * git sends it, where the password is a token or the account password) wins over the session cookie.
 * A malformed Authorization header counts as a presented (and so invalid) credential.
 */
export function readPresentedCredential(request: Request): PresentedCredential | 'malformed' | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^(\w+)\s+(.+)$/.exec(header.trim());
    if (!match) {
      return 'malformed';
    }
    const scheme = match[1].toLowerCase();
    const value = match[2].trim();
    if (scheme === 'bearer') {
      return { kind: 'bearer', secret: value };
    }
    if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const separator = decoded.indexOf(':');
      if (separator < 0) {
        return 'malformed';
      }
      return { kind: 'basic', username: decoded.slice(0, separator), secret: decoded.slice(separator + 1) };
    }
    return 'malformed';
  }
  const cookie = parseCookie(request.headers.cookie, SESSION_COOKIE);
  return cookie ? { kind: 'cookie', secret: cookie } : undefined;
}
