import { ArgumentsHost, Catch } from '@nestjs/common';
import { Response } from 'express';
import { HubRequest } from 'src/common/auth-user';
import { HubExceptionFilter, toHubError } from 'src/common/errors/hub-exception.filter';

/** git-lfs reads this copy of `WWW-Authenticate`, which browsers ignore (git-lfs docs/api/authentication.md). */
export const LFS_AUTHENTICATE = 'Basic realm="Kohaku Hub"';

/**
 * Errors of the git-lfs API routes as git-lfs expects them: `{message, request_id}` in the LFS
 * media type, and on a 401 the `LFS-Authenticate` / `WWW-Authenticate` challenge that makes git
 * ask its credential helper and retry. Bound to the controller rather than set in the handler, so
 * it also shapes the refusals of the global auth guard, which runs before any handler.
 */
@Catch()
export class LfsExceptionFilter extends HubExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    context.getRequest<HubRequest>().errorFormat = 'lfs';
    if (toHubError(exception).status === 401) {
      const response = context.getResponse<Response>();
      response.setHeader('LFS-Authenticate', LFS_AUTHENTICATE);
      response.setHeader('WWW-Authenticate', LFS_AUTHENTICATE);
    }
    super.catch(exception, host);
  }
}
