import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiExtension, ApiUnauthorizedResponse } from '@nestjs/swagger';

export const AUTH_METADATA = 'hub:auth';

/**
 * The seed document's auth legend: ✗ `none` (no credentials looked at), ○ `optional`
 * (a caller is attached when credentials are sent), ✓ `required`.
 */
export type AuthLevel = 'none' | 'optional' | 'required';
export type AuthScope = 'read' | 'write' | 'admin';

export interface AuthMetadata {
  level: AuthLevel;
  /** For `required`: `write` refuses read-only tokens, `admin` needs a site administrator. */
  scope: AuthScope;
}

/** ✗ — anonymous access; credentials are ignored. */
export function Public(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(AUTH_METADATA, { level: 'none', scope: 'read' } satisfies AuthMetadata),
    ApiExtension('x-hub-auth', 'none'),
  );
}

/** ○ — anonymous access allowed; a valid credential attaches the caller, an invalid one is refused. */
export function OptionalAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(AUTH_METADATA, { level: 'optional', scope: 'read' } satisfies AuthMetadata),
    ApiBearerAuth(),
    ApiCookieAuth(),
    ApiExtension('x-hub-auth', 'optional'),
  );
}

/** ✓ — a valid credential is required; `scope: 'write'` also refuses read-only tokens. */
export function Auth(options: { scope?: AuthScope } = {}): MethodDecorator & ClassDecorator {
  const scope = options.scope ?? 'read';
  return applyDecorators(
    SetMetadata(AUTH_METADATA, { level: 'required', scope } satisfies AuthMetadata),
    ApiBearerAuth(),
    ApiCookieAuth(),
    ApiUnauthorizedResponse({ description: 'Missing or invalid credentials' }),
    ApiExtension('x-hub-auth', 'required'),
    ApiExtension('x-hub-auth-scope', scope),
  );
}
