import { Request } from 'express';
import { readPresentedCredential, SESSION_COOKIE } from 'src/auth/credentials';

function requestWith(headers: Record<string, string>): Request {
  return { headers } as unknown as Request;
}

describe(readPresentedCredential.name, () => {
  it('should read a bearer token', () => {
    expect(readPresentedCredential(requestWith({ authorization: 'Bearer hf_abc' }))).toEqual({
      kind: 'bearer',
      secret: 'hf_abc',
    });
  });

  it('should read HTTP Basic as git sends it, with any username', () => {
    const header = `Basic ${Buffer.from('anyone:hf_tok:with:colons').toString('base64')}`;
    expect(readPresentedCredential(requestWith({ authorization: header }))).toEqual({
      kind: 'basic',
      username: 'anyone',
      secret: 'hf_tok:with:colons',
    });
  });

  it('should read the session cookie when no Authorization header is sent', () => {
    expect(readPresentedCredential(requestWith({ cookie: `a=1; ${SESSION_COOKIE}=jwt.value.here` }))).toEqual({
      kind: 'cookie',
      secret: 'jwt.value.here',
    });
  });

  it('should call a malformed Authorization header malformed and nothing at all undefined', () => {
    expect(readPresentedCredential(requestWith({ authorization: 'Digest' }))).toBe('malformed');
    expect(readPresentedCredential(requestWith({ authorization: 'Negotiate abc' }))).toBe('malformed');
    expect(readPresentedCredential(requestWith({}))).toBeUndefined();
  });
});
