import { HubConfig } from 'src/config/hub-config';
import { SignedUrlError } from 'src/storage/storage.errors';
import { UrlSigner } from 'src/storage/url-signer';

function signerWith(urlSigningSecret: string): UrlSigner {
  return new UrlSigner(new HubConfig({ secrets: { sessionSecret: 's'.repeat(48), urlSigningSecret } } as HubConfig));
}

describe(UrlSigner.name, () => {
  const path = '/api/lfs/uploads/0f3a/part';
  const now = Date.UTC(2025, 0, 15, 12, 0, 0);
  let sut: UrlSigner;

  beforeEach(() => {
    sut = signerWith('k'.repeat(48));
    jest.spyOn(Date, 'now').mockReturnValue(now);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function signedQuery(method = 'PUT', params: Record<string, string> = { uploadId: 'u-1', partNumber: '3' }) {
    return Object.fromEntries(sut.sign(method, path, { expiresInSeconds: 600, params }));
  }

  it('should return the bound parameters of a URL it signed', () => {
    const query = signedQuery();

    expect(query).toEqual({
      uploadId: 'u-1',
      partNumber: '3',
      expires: String(now / 1000 + 600),
      sig: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(sut.verify('PUT', path, query)).toEqual({ uploadId: 'u-1', partNumber: '3' });
  });

  it('should accept the method in any letter case', () => {
    expect(sut.verify('put', path, signedQuery('PUT'))).toEqual({ uploadId: 'u-1', partNumber: '3' });
  });

  it('should refuse a tampered path', () => {
    expect(() => sut.verify('PUT', '/api/lfs/uploads/0f3b/part', signedQuery())).toThrow(SignedUrlError);
  });

  it('should refuse another method, HEAD on a GET URL included', () => {
    expect(() => sut.verify('POST', path, signedQuery('PUT'))).toThrow(SignedUrlError);
    expect(() => sut.verify('HEAD', path, signedQuery('GET'))).toThrow(SignedUrlError);
  });

  it('should accept a URL until it expires and refuse it afterwards', () => {
    const query = signedQuery();

    jest.spyOn(Date, 'now').mockReturnValue(now + 599_000);
    expect(() => sut.verify('PUT', path, query)).not.toThrow();
    jest.spyOn(Date, 'now').mockReturnValue(now + 600_000);
    expect(() => sut.verify('PUT', path, query)).toThrow('expired');
  });

  it('should refuse an expiry pushed into the future', () => {
    const query = signedQuery();

    expect(() => sut.verify('PUT', path, { ...query, expires: String(Number(query.expires) + 3600) })).toThrow(
      'signature does not match',
    );
  });

  it('should refuse a tampered, added or removed parameter', () => {
    const query = signedQuery();
    const { partNumber: _removed, ...withoutPart } = query;

    expect(() => sut.verify('PUT', path, { ...query, partNumber: '4' })).toThrow(SignedUrlError);
    expect(() => sut.verify('PUT', path, { ...query, extra: '1' })).toThrow(SignedUrlError);
    expect(() => sut.verify('PUT', path, withoutPart)).toThrow(SignedUrlError);
  });

  it('should refuse a repeated parameter', () => {
    const query = signedQuery();

    expect(() => sut.verify('PUT', path, { ...query, partNumber: ['3', '4'] })).toThrow('repeated or malformed');
  });

  it('should refuse a missing, altered or foreign signature', () => {
    const { sig, ...unsigned } = signedQuery();
    const foreign = Object.fromEntries(
      signerWith('x'.repeat(48)).sign('PUT', path, {
        expiresInSeconds: 600,
        params: { uploadId: 'u-1', partNumber: '3' },
      }),
    );

    expect(() => sut.verify('PUT', path, unsigned)).toThrow('missing signature');
    expect(() =>
      sut.verify('PUT', path, { ...unsigned, sig: `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}` }),
    ).toThrow(SignedUrlError);
    expect(() => sut.verify('PUT', path, { ...unsigned, sig: `${sig}=` })).toThrow(SignedUrlError);
    expect(() => sut.verify('PUT', path, foreign)).toThrow(SignedUrlError);
  });

  it('should refuse a malformed expiry', () => {
    const query = signedQuery();

    expect(() => sut.verify('PUT', path, { ...query, expires: '1e20' })).toThrow('missing signature or expiry');
  });

  it('should sign URLs without bound parameters', () => {
    const query = Object.fromEntries(sut.sign('GET', path, { expiresInSeconds: 60 }));

    expect(Object.keys(query).sort()).toEqual(['expires', 'sig']);
    expect(sut.verify('GET', path, query)).toEqual({});
  });

  it('should refuse to bind a reserved parameter name or an invalid lifetime', () => {
    expect(() => sut.sign('GET', path, { expiresInSeconds: 60, params: { sig: 'x' } })).toThrow('reserved');
    expect(() => sut.sign('GET', path, { expiresInSeconds: 60, params: { expires: '1' } })).toThrow('reserved');
    expect(() => sut.sign('GET', path, { expiresInSeconds: 0 })).toThrow(RangeError);
    expect(() => sut.sign('GET', path, { expiresInSeconds: 1.5 })).toThrow(RangeError);
  });
});
