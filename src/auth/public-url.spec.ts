import { Request } from 'express';
import { publicBaseUrl } from 'src/auth/public-url';

function requestWith(headers: Record<string, string>, encrypted = false): Request {
  return { headers, socket: { encrypted } } as unknown as Request;
}

describe(publicBaseUrl.name, () => {
  const forwarded = {
    host: 'internal:28080',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'hub.example.com',
    'x-forwarded-prefix': '/hub/',
  };

  it('should prefer the configured base URL, without a trailing slash', () => {
    expect(publicBaseUrl(requestWith(forwarded), { baseUrl: 'https://corp.example/hub/', trustProxy: true })).toBe(
      'https://corp.example/hub',
    );
  });

  it('should use the Host header and the connection scheme otherwise', () => {
    expect(publicBaseUrl(requestWith({ host: '127.0.0.1:5000' }), { trustProxy: false })).toBe('http://127.0.0.1:5000');
    expect(publicBaseUrl(requestWith({ host: 'hub.local' }, true), { trustProxy: false })).toBe('https://hub.local');
  });

  it('should ignore forwarding headers unless the proxy is trusted', () => {
    expect(publicBaseUrl(requestWith(forwarded), { trustProxy: false })).toBe('http://internal:28080');
    expect(publicBaseUrl(requestWith(forwarded), { trustProxy: true })).toBe('https://hub.example.com/hub');
  });

  it('should take the first value of a forwarded list and drop values that cannot be a scheme, host or path', () => {
    const request = requestWith({
      host: 'internal',
      'x-forwarded-proto': 'https, http',
      'x-forwarded-host': 'a.example, b.example',
    });
    expect(publicBaseUrl(request, { trustProxy: true })).toBe('https://a.example');
    const hostile = requestWith({
      host: 'internal',
      'x-forwarded-proto': 'javascript',
      'x-forwarded-host': 'evil.example/path?x=',
      'x-forwarded-prefix': '/a b',
    });
    expect(publicBaseUrl(hostile, { trustProxy: true })).toBe('http://internal');
    expect(publicBaseUrl(requestWith({ host: 'bad host' }), { trustProxy: false })).toBe('http://localhost');
  });

  it('should accept IPv6 hosts', () => {
    expect(publicBaseUrl(requestWith({ host: '[::1]:8080' }), { trustProxy: false })).toBe('http://[::1]:8080');
  });
});
