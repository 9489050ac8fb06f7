import { Catch } from '@nestjs/common';
import { ProtocolExceptionFilter } from 'src/common/errors/hub-exception.filter';

/**
 * Errors of the smart HTTP routes as git shows them: a `text/plain` body, which git prints as
 * `remote: …` next to the status, and the `WWW-Authenticate` challenge on a 401.
 */
@Catch()
export class GitExceptionFilter extends ProtocolExceptionFilter {
  protected readonly format = 'git';
  protected readonly challengeHeaders = ['WWW-Authenticate'];
}
