import { Request } from 'express';
import { TLSSocket } from 'node:tls';
import { HubConfig } from 'src/config/hub-config';

const HOST_PATTERN = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
const PREFIX_PATTERN = /^(\/[A-Za-z0-9._~-]+)+$/;

function firstHeaderValue(request: Request, name: string): string | undefined {
  const raw = request.headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  const first = value?.split(',')[0]?.trim();
  return first ? first : undefined;
}

/**
 * The URL clients reach the hub at, without a trailing slash: `config.baseUrl` when set, otherwise
 * the scheme and host the request came in with. Proxy headers (`X-Forwarded-Proto/Host/Prefix`)
 * count only when `config.trustProxy` is on, since anyone can send them; values that cannot be a
 * scheme, host or path are ignored so they never end up inside the URLs handed out.
 */
export function publicBaseUrl(request: Request, config: Pick<HubConfig, 'baseUrl' | 'trustProxy'>): string {
  if (config.baseUrl !== undefined) {
    return config.baseUrl.replace(/\/+$/, '');
  }
  const isTls = (request.socket as TLSSocket | undefined)?.encrypted === true;
  let protocol = isTls ? 'https' : 'http';
  let host = request.headers.host;
  let prefix = '';
  if (config.trustProxy) {
    const forwardedProto = firstHeaderValue(request, 'x-forwarded-proto')?.toLowerCase();
    if (forwardedProto === 'http' || forwardedProto === 'https') {
      protocol = forwardedProto;
    }
    const forwardedHost = firstHeaderValue(request, 'x-forwarded-host');
    if (forwardedHost !== undefined && HOST_PATTERN.test(forwardedHost)) {
      host = forwardedHost;
    }
    const forwardedPrefix = firstHeaderValue(request, 'x-forwarded-prefix')?.replace(/\/+$/, '');
    if (forwardedPrefix !== undefined && PREFIX_PATTERN.test(forwardedPrefix)) {
      prefix = forwardedPrefix;
    }
  }
  if (host === undefined || !HOST_PATTERN.test(host)) {
    host = 'localhost';
  }
  return `${protocol}://${host}${prefix}`;
}
