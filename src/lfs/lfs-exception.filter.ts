import { Catch } from '@nestjs/common';
import { ProtocolExceptionFilter } from 'src/common/errors/hub-exception.filter';

/**
 * Errors of the git-lfs API routes as git-lfs expects them: `{message, request_id}` in the LFS
 * media type; git-lfs reads the challenge from `LFS-Authenticate`, a copy of `WWW-Authenticate`
 * that browsers ignore (git-lfs docs/api/authentication.md).
 */
@Catch()
export class LfsExceptionFilter extends ProtocolExceptionFilter {
  protected readonly format = 'lfs';
  protected readonly challengeHeaders = ['LFS-Authenticate', 'WWW-Authenticate'];
}
