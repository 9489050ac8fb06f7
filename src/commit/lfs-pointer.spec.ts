import { execFileSync } from 'node:child_process';
import { formatLfsPointer, gitBlobId, parseLfsPointer } from 'src/commit/lfs-pointer';

const OID = 'ab'.repeat(32);

describe('LFS pointers', () => {
  it('should format the git-lfs pointer text and parse it back', () => {
    const pointer = formatLfsPointer({ oid: OID, size: 1234 });
    expect(pointer.toString()).toBe(`version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\nsize 1234\n`);
    expect(parseLfsPointer(pointer)).toEqual({ oid: OID, size: 1234 });
  });

  it('should accept extra keys and reject anything that is not a pointer', () => {
    const withExtension = `version https://git-lfs.github.com/spec/v1\next-0-foo sha256:${'c'.repeat(64)}\noid sha256:${OID}\nsize 5\n`;
    expect(parseLfsPointer(Buffer.from(withExtension))).toEqual({ oid: OID, size: 5 });
    for (const text of [
      '',
      'hello',
      `oid sha256:${OID}\nsize 5\n`,
      `version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\n`,
      `version https://git-lfs.github.com/spec/v1\noid sha1:${'a'.repeat(40)}\nsize 5\n`,
      `version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\nsize -5\n`,
      `version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\nsize 5\n${'x'.repeat(2000)}`,
    ]) {
      expect(parseLfsPointer(Buffer.from(text))).toBeNull();
    }
  });

  it('should compute the same blob id as git hash-object', () => {
    for (const content of [Buffer.alloc(0), Buffer.from('hello\n'), Buffer.from([0, 255, 10, 13])]) {
      expect(gitBlobId(content)).toBe(
        execFileSync('git', ['hash-object', '--stdin'], { input: content, encoding: 'utf8' }).trim(),
      );
    }
  });
});
