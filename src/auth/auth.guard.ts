import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HubRequest } from 'src/common/auth-user';
import { AUTH_METADATA, AuthMetadata } from 'src/common/decorators/auth.decorator';
import { ForbiddenError, UnauthorizedError } from 'src/common/errors/hub-error';
import { RequestAuthenticator } from 'src/auth/request-authenticator';

/** A route without an explicit decision is treated as ✓: closed by default. */
const CLOSED: AuthMetadata = { level: 'required', scope: 'read' };

export const INVALID_CREDENTIALS_MESSAGE = 'Invalid credentials in Authorization header';

/** The global guard enforcing the seed's ✓ / ○ / ✗ legend on every route. */
@Injectable()
export class HubAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: RequestAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const metadata =
      this.reflector.getAllAndOverride<AuthMetadata | undefined>(AUTH_METADATA, [
        context.getHandler(),
        context.getClass(),
      ]) ?? CLOSED;
    if (metadata.level === 'none') {
      return true;
    }
    const request = context.switchToHttp().getRequest<HubRequest>();
    const outcome = await this.authenticator.authenticate(request);
    if (outcome === 'invalid') {
      throw new UnauthorizedError(INVALID_CREDENTIALS_MESSAGE);
    }
    if (outcome === undefined) {
      if (metadata.level === 'optional') {
        return true;
      }
      throw new UnauthorizedError('Authentication required: send a token as "Authorization: Bearer hf_..."');
    }
    request.user = outcome;
    if (metadata.level === 'required') {
      if (metadata.scope === 'write' && outcome.tokenRole === 'read') {
        throw new ForbiddenError('This action needs a token with the write role; the token used is read-only');
      }
      if (metadata.scope === 'admin' && !outcome.isAdmin) {
        throw new ForbiddenError('This action is reserved for administrators');
      }
    }
    return true;
  }
}
