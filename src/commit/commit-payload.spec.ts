import { BadRequestError, InvalidPathError, PayloadTooLargeError } from 'src/common/errors/hub-error';
import { commitMessage, parseHeader, parseOperation, parsePayloadLine } from 'src/commit/commit-payload';

const limits = { maxRegularFileBytes: 10 };

function line(key: string, value: Record<string, unknown>) {
  return { key, value };
}

describe('commit payload', () => {
  describe('parsePayloadLine', () => {
    it('should return key and value, and refuse anything else with 400', () => {
      expect(parsePayloadLine(Buffer.from('{"key":"file","value":{"path":"a"}}'), 1)).toEqual({
        key: 'file',
        value: { path: 'a' },
      });
      for (const text of ['not json', '[1]', '{"value":{}}', '{"key":"file","value":[]}', '{"key":"file"}']) {
        expect(() => parsePayloadLine(Buffer.from(text), 3)).toThrow(BadRequestError);
      }
    });
  });

  describe('parseHeader', () => {
    it('should read summary, description and a lower-cased parentCommit', () => {
      expect(parseHeader(line('header', { summary: 'S', description: 'D', parentCommit: 'ABCDEF1' }))).toEqual({
        summary: 'S',
        description: 'D',
        parentCommit: 'abcdef1',
      });
      expect(parseHeader(line('header', { summary: 'S', parentCommit: null }))).toEqual({
        summary: 'S',
        description: '',
      });
    });

    it('should refuse a missing header, an empty summary and malformed parent commits', () => {
      expect(() => parseHeader(undefined)).toThrow(BadRequestError);
      expect(() => parseHeader(line('file', { summary: 'S' }))).toThrow(BadRequestError);
      expect(() => parseHeader(line('header', { summary: '  ' }))).toThrow(BadRequestError);
      expect(() => parseHeader(line('header', { summary: 'S', description: 5 }))).toThrow(BadRequestError);
      for (const parentCommit of ['abcd', 'g'.repeat(7), 'a'.repeat(41), 7]) {
        expect(() => parseHeader(line('header', { summary: 'S', parentCommit }))).toThrow(BadRequestError);
      }
    });

    it('should build the git message from summary and description', () => {
      expect(commitMessage({ summary: 'S', description: '' })).toBe('S');
      expect(commitMessage({ summary: 'S', description: '\nD\n' })).toBe('S\n\nD');
    });
  });

  describe('parseOperation', () => {
    it('should decode base64 and utf-8 file contents', () => {
      expect(parseOperation(line('file', { path: 'a', content: 'aGk=', encoding: 'base64' }), limits)).toEqual({
        key: 'file',
        path: 'a',
        content: Buffer.from('hi'),
        oldPath: undefined,
      });
      expect(parseOperation(line('file', { path: 'a', content: 'hé', encoding: 'utf-8' }), limits)).toMatchObject({
        content: Buffer.from('hé'),
      });
      expect(parseOperation(line('file', { path: 'a', content: '' }), limits)).toMatchObject({
        content: Buffer.alloc(0),
      });
    });

    it('should refuse invalid base64 and contents over the regular-file limit', () => {
      for (const content of ['a', 'abc', 'ab!=', '====', 'aGk=aGk=', 'aG k=']) {
        expect(() => parseOperation(line('file', { path: 'a', content }), limits)).toThrow(BadRequestError);
      }
      expect(() =>
        parseOperation(line('file', { path: 'a', content: Buffer.alloc(11).toString('base64') }), limits),
      ).toThrow(PayloadTooLargeError);
      expect(() =>
        parseOperation(line('file', { path: 'a', content: 'x'.repeat(11), encoding: 'utf-8' }), limits),
      ).toThrow(PayloadTooLargeError);
    });

    it('should parse lfsFile lines with or without size and refuse other hash algorithms', () => {
      const oid = 'A'.repeat(64);
      expect(parseOperation(line('lfsFile', { path: 'w.bin', algo: 'sha256', oid, size: 12 }), limits)).toEqual({
        key: 'lfsFile',
        path: 'w.bin',
        oid: 'a'.repeat(64),
        size: 12,
        oldPath: undefined,
      });
      expect(parseOperation(line('lfsFile', { path: 'w.bin', oid: 'a'.repeat(64) }), limits)).toMatchObject({
        size: undefined,
      });
      expect(() => parseOperation(line('lfsFile', { path: 'w', algo: 'sha1', oid: 'a'.repeat(64) }), limits)).toThrow(
        BadRequestError,
      );
      expect(() => parseOperation(line('lfsFile', { path: 'w', oid: 'a'.repeat(63) }), limits)).toThrow(
        BadRequestError,
      );
      expect(() => parseOperation(line('lfsFile', { path: 'w', oid: 'a'.repeat(64), size: -1 }), limits)).toThrow(
        BadRequestError,
      );
    });

    it('should parse deletions (folder slashes stripped) and copies', () => {
      expect(parseOperation(line('deletedFile', { path: 'a.txt' }), limits)).toEqual({
        key: 'deletedFile',
        path: 'a.txt',
      });
      expect(parseOperation(line('deletedFolder', { path: 'dir/' }), limits)).toEqual({
        key: 'deletedFolder',
        path: 'dir',
      });
      expect(parseOperation(line('copyFile', { path: 'b', srcPath: 'a', srcRevision: 'v1' }), limits)).toEqual({
        key: 'copyFile',
        path: 'b',
        srcPath: 'a',
        srcRevision: 'v1',
      });
    });

    it('should refuse unknown keys, a second header and invalid paths anywhere', () => {
      expect(() => parseOperation(line('renameFile', { path: 'a' }), limits)).toThrow(BadRequestError);
      expect(() => parseOperation(line('header', { summary: 's' }), limits)).toThrow(BadRequestError);
      expect(() => parseOperation(line('deletedFile', { path: '../a' }), limits)).toThrow(InvalidPathError);
      expect(() => parseOperation(line('copyFile', { path: 'b', srcPath: '/etc/passwd' }), limits)).toThrow(
        InvalidPathError,
      );
      expect(() => parseOperation(line('file', { path: 'b', oldPath: '.git/x' }), limits)).toThrow(InvalidPathError);
    });
  });
});
