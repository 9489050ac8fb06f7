import { redactUrl } from 'src/common/http/logging';

describe(redactUrl.name, () => {
  it('should replace credential-bearing query values and keep the rest', () => {
    expect(redactUrl('/blobs/lfs/ab?expires=1&sig=abcdef&part=2')).toBe(
      '/blobs/lfs/ab?expires=1&sig=%5Bredacted%5D&part=2',
    );
    expect(redactUrl('/api/auth/verify-email?token=secret')).toBe('/api/auth/verify-email?token=%5Bredacted%5D');
  });

  it('should leave URLs without a query untouched', () => {
    expect(redactUrl('/api/models/a/b')).toBe('/api/models/a/b');
  });
});
