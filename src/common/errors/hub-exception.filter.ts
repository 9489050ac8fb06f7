import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Response } from 'express';
import { HubRequest } from 'src/common/auth-user';
import { HubError, HubErrorCode, ServerError } from 'src/common/errors/hub-error';

const CODE_BY_STATUS: Record<number, HubErrorCode> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'PreconditionFailed',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  416: 'RangeNotSatisfiable',
  422: 'UnprocessableEntity',
  429: 'TooManyRequests',
  501: 'NotImplemented',
  503: 'ServiceUnavailable',
};

/** Errors raised by Express body parsers carry `status` and `type` (http-errors). */
interface BodyParserError extends Error {
  status?: number;
  statusCode?: number;
  type?: string;
  limit?: number;
}

function messageOfHttpException(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') {
    return response;
  }
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) {
    return message.join('; ');
  }
  return typeof message === 'string' ? message : exception.message;
}

/** Turns anything thrown into a HubError; unknown failures become a bare 500 without internals. */
export function toHubError(exception: unknown): HubError {
  if (exception instanceof HubError) {
    return exception;
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const message = status === 404 ? 'Not found' : messageOfHttpException(exception);
    return new HubError(status, CODE_BY_STATUS[status] ?? (status >= 500 ? 'ServerError' : 'BadRequest'), message);
  }
  const parserError = exception as BodyParserError;
  const status = parserError?.status ?? parserError?.statusCode;
  if (typeof parserError?.type === 'string' && typeof status === 'number' && status >= 400 && status < 500) {
    switch (parserError.type) {
      case 'entity.parse.failed':
        return new HubError(400, 'BadRequest', `Malformed request body: ${parserError.message}`);
      case 'entity.too.large':
        return new HubError(
          413,
          'PayloadTooLarge',
          `Request body is larger than the limit of ${parserError.limit ?? 'this route'} bytes`,
        );
      default:
        return new HubError(status, CODE_BY_STATUS[status] ?? 'BadRequest', parserError.message);
    }
  }
  return new ServerError();
}

/** Header values must be one line of Latin-1; messages may carry anything. */
export function headerSafe(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 1000);
}

/** The request path and query with the first `/<from>` segment pair replaced by `/<to>`. */
export function relocatedPath(originalUrl: string, relocate: { from: string; to: string }): string {
  const queryStart = originalUrl.indexOf('?');
  const path = queryStart < 0 ? originalUrl : originalUrl.slice(0, queryStart);
  const query = queryStart < 0 ? '' : originalUrl.slice(queryStart);
  const lowerPath = path.toLowerCase();
  const needle = `/${relocate.from.toLowerCase()}`;
  let index = lowerPath.indexOf(`${needle}/`);
  if (index < 0 && lowerPath.endsWith(needle)) {
    index = lowerPath.length - needle.length;
  }
  if (index < 0) {
    return originalUrl;
  }
  return `${path.slice(0, index)}/${relocate.to}${path.slice(index + needle.length)}${query}`;
}

/**
 * The Hub answers a missing or unreadable repository with 401 to anonymous callers (so they know
 * that signing in may help) and 404 to signed-in ones; both carry `X-Error-Code: RepoNotFound`,
 * which is what the clients read. Missing and private repositories still answer alike.
 */
export function statusFor(error: HubError, request: HubRequest): number {
  return error.code === 'RepoNotFound' && request.user === undefined ? 401 : error.status;
}

/**
 * Renders every error the same way: status, `X-Error-Code`, `X-Error-Message` and `{ error }`.
 * Protocol routes (LFS, git) mark the request so their clients get their own error shape.
 */
@Catch()
export class HubExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HubExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<HubRequest>();
    const response = context.getResponse<Response>();
    const error = toHubError(exception);
    if (error.status >= 500) {
      this.logger.error(
        { err: exception, requestId: request.id, method: request.method, path: request.path },
        'Request failed with an internal error',
      );
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    for (const [name, value] of Object.entries(error.headers ?? {})) {
      response.setHeader(name, value);
    }
    if (error.relocate) {
      response.setHeader('Location', relocatedPath(request.originalUrl, error.relocate));
    }
    response.setHeader('X-Error-Code', error.code);
    response.setHeader('X-Error-Message', headerSafe(error.message));
    response.status(statusFor(error, request));
    switch (request.errorFormat) {
      case 'git':
        response.type('text/plain; charset=utf-8').send(`${error.message}\n`);
        return;
      case 'lfs':
        response
          .type('application/vnd.git-lfs+json')
          .send(JSON.stringify({ message: error.message, request_id: request.id }));
        return;
      case undefined:
        if (request.method === 'HEAD') {
          // No body follows a HEAD, and announcing JSON makes the JS client parse the empty body
          // (a SyntaxError) instead of raising its HubApiError; the headers carry the error.
          response.end();
          return;
        }
        response.json({ ...error.body, error: error.message });
        return;
    }
  }
}

/** The challenge git and git-lfs answer by asking their credential helper (gitcredentials) and retrying. */
export const BASIC_CHALLENGE = 'Basic realm="Kohaku Hub"';

/**
 * Errors of a protocol route (git smart HTTP, git-lfs) in that protocol's shape, with the Basic
 * challenge on every 401 so credential helpers are asked. Bound to the controller rather than set
 * in the handler, so it also shapes the refusals of the global auth guard, which runs first.
 */
export abstract class ProtocolExceptionFilter extends HubExceptionFilter {
  protected abstract readonly format: NonNullable<HubRequest['errorFormat']>;
  /** The headers that carry the challenge. */
  protected abstract readonly challengeHeaders: readonly string[];

  override catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<HubRequest>();
    request.errorFormat = this.format;
    if (statusFor(toHubError(exception), request) === 401) {
      const response = context.getResponse<Response>();
      for (const header of this.challengeHeaders) {
        response.setHeader(header, BASIC_CHALLENGE);
      }
    }
    super.catch(exception, host);
  }
}
