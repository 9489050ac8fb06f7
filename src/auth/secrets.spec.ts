import {
  apiTokenDisplayPrefix,
  generateApiTokenSecret,
  generateLinkSecret,
  hashSecret,
  isApiTokenSecret,
  randomBase62,
} from 'src/auth/secrets';

describe(generateApiTokenSecret.name, () => {
  it('should make hf_ tokens of 37 base62 characters that never repeat', () => {
    const tokens = Array.from({ length: 200 }, () => generateApiTokenSecret());
    for (const token of tokens) {
      expect(token).toMatch(/^hf_[A-Za-z0-9]{37}$/);
      expect(isApiTokenSecret(token)).toBe(true);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});

describe(randomBase62.name, () => {
  it('should use every base62 character with roughly equal frequency', () => {
    const counts = new Map<string, number>();
    for (const char of randomBase62(62_000)) {
      counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(800);
      expect(count).toBeLessThan(1200);
    }
  });
});

describe(hashSecret.name, () => {
  it('should give the sha256 hex digest', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe(apiTokenDisplayPrefix.name, () => {
  it('should keep hf_ and two characters', () => {
    expect(apiTokenDisplayPrefix('hf_abcdefgh')).toBe('hf_ab');
  });
});

describe(generateLinkSecret.name, () => {
  it('should make URL-safe secrets of 256 bits', () => {
    const secret = generateLinkSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(isApiTokenSecret(secret)).toBe(false);
  });
});
