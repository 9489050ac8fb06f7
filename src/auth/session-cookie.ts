import { CookieOptions, Response } from 'express';
import { SESSION_COOKIE } from 'src/auth/credentials';
import { HubConfig } from 'src/config/hub-config';

/** HttpOnly (no script can read it), SameSite=Lax (not sent on cross-site POSTs), Secure when the hub is served over https. */
function cookieOptions(config: HubConfig): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: config.baseUrl?.startsWith('https:') ?? false,
  };
}

export function setSessionCookie(response: Response, token: string, config: HubConfig): void {
  response.cookie(SESSION_COOKIE, token, {
    ...cookieOptions(config),
    maxAge: config.auth.sessionTtlHours * 3600 * 1000,
  });
}

export function clearSessionCookie(response: Response, config: HubConfig): void {
  response.clearCookie(SESSION_COOKIE, cookieOptions(config));
}
