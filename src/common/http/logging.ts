import { IncomingMessage, ServerResponse } from 'node:http';
import { Options } from 'pino-http';
import { LogLevel } from 'src/config/hub-config';
import { assignRequestId } from 'src/common/http/request-id';

/** Query parameters that carry credentials (signed URLs, invitation and verification tokens). */
const SECRET_QUERY_KEYS = /^(sig|signature|token|x-amz-signature|x-amz-credential|x-amz-security-token|password)$/i;

/** The request URL with every credential-bearing query value replaced, so logs never hold one. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) {
    return url;
  }
  const params = new URLSearchParams(url.slice(queryStart + 1));
  for (const key of [...params.keys()]) {
    if (SECRET_QUERY_KEYS.test(key)) {
      params.set(key, '[redacted]');
    }
  }
  return `${url.slice(0, queryStart)}?${params.toString()}`;
}

/** One log line per request; 4xx are ordinary outcomes (info), only 5xx are errors. */
export function buildHttpLoggerOptions(level: LogLevel): Options {
  return {
    level,
    genReqId: (request: IncomingMessage, response: ServerResponse) => assignRequestId(request, response),
    customLogLevel: (_request, response, error) => {
      if (error || response.statusCode >= 500) {
        return 'error';
      }
      return 'info';
    },
    customSuccessMessage: (request, response) => `${request.method} ${response.statusCode}`,
    customErrorMessage: (request, response) => `${request.method} ${response.statusCode}`,
    serializers: {
      req: (request: IncomingMessage & { id?: unknown; raw?: IncomingMessage }) => ({
        id: request.id,
        method: request.method,
        url: redactUrl(request.url ?? ''),
        userAgent: request.headers['user-agent'],
        remoteAddress: request.socket?.remoteAddress,
      }),
      res: (response: ServerResponse) => ({ statusCode: response.statusCode }),
    },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
    quietReqLogger: true,
  };
}
