import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RangeNotSatisfiableError } from 'src/common/errors/hub-error';
import {
  assertValidBlobKey,
  assertValidBlobPrefix,
  attachmentDisposition,
  clampRange,
  MeteredStream,
  normalizeEtag,
  orderParts,
} from 'src/storage/blob-storage';
import { BlobSizeMismatchError, InvalidBlobKeyError, InvalidMultipartPartError } from 'src/storage/storage.errors';

describe('BlobStorage helpers', () => {
  describe(assertValidBlobKey.name, () => {
    it.each([
      'lfs/9f/86/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'staging/0b1c2d3e-4f50-4617-8899-aabbccddeeff',
      'données/modèle.bin',
      'a',
      `lfs/${'x'.repeat(255)}`,
    ])('should accept %s', (key) => {
      expect(() => assertValidBlobKey(key)).not.toThrow();
    });

    it.each([
      ['a segment longer than 255 bytes', `lfs/${'é'.repeat(128)}`],
      ['a C1 control character', 'lfs/a\u0085b'],
      ['a DEL character', 'lfs/a\u007fb'],
    ])('should reject %s', (_label, key) => {
      expect(() => assertValidBlobKey(key)).toThrow(InvalidBlobKeyError);
    });

    it('should accept list prefixes with a trailing slash or a partial segment', () => {
      expect(() => assertValidBlobPrefix('')).not.toThrow();
      expect(() => assertValidBlobPrefix('lfs/')).not.toThrow();
      expect(() => assertValidBlobPrefix('lfs/9f')).not.toThrow();
      expect(() => assertValidBlobPrefix('lfs//')).toThrow(InvalidBlobKeyError);
      expect(() => assertValidBlobPrefix('../')).toThrow(InvalidBlobKeyError);
    });
  });

  describe(clampRange.name, () => {
    it('should clamp the end and refuse a start past the object', () => {
      expect(clampRange({ start: 5, end: 100 }, 10)).toEqual({ start: 5, end: 9 });
      expect(() => clampRange({ start: 10, end: 10 }, 10)).toThrow(RangeNotSatisfiableError);
      expect(() => clampRange({ start: 0, end: 0 }, 0)).toThrow(RangeNotSatisfiableError);
    });
  });

  describe(orderParts.name, () => {
    it('should sort parts by number and refuse duplicates or an empty list', () => {
      expect(
        orderParts([
          { partNumber: 3, etag: 'c' },
          { partNumber: 1, etag: 'a' },
        ]).map((part) => part.partNumber),
      ).toEqual([1, 3]);
      expect(() => orderParts([])).toThrow(InvalidMultipartPartError);
      expect(() =>
        orderParts([
          { partNumber: 2, etag: 'a' },
          { partNumber: 2, etag: 'b' },
        ]),
      ).toThrow('listed twice');
    });
  });

  describe(normalizeEtag.name, () => {
    it.each(['"abc"', 'abc', 'W/"abc"', ' "abc" '])('should read %s as abc', (etag) => {
      expect(normalizeEtag(etag)).toBe('abc');
    });
  });

  describe(attachmentDisposition.name, () => {
    it('should give an ASCII fallback and the exact UTF-8 name', () => {
      expect(attachmentDisposition("l'été (1).bin")).toBe(
        `attachment; filename="l'_t_ (1).bin"; filename*=UTF-8''l%27%C3%A9t%C3%A9%20%281%29.bin`,
      );
    });
  });

  describe(MeteredStream.name, () => {
    async function run(meter: MeteredStream, chunks: string[]): Promise<string> {
      const out: Buffer[] = [];
      await pipeline(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), meter, async (source) => {
        for await (const chunk of source) {
          out.push(chunk as Buffer);
        }
      });
      return Buffer.concat(out).toString();
    }

    it('should pass bytes through, count them and hash them', async () => {
      const meter = new MeteredStream(11, 'md5');

      await expect(run(meter, ['hello ', 'world'])).resolves.toBe('hello world');

      expect(meter.bytes).toBe(11);
      expect(meter.digest()).toBe('5eb63bbbe01eeed093cb22bb8f5acdc3');
    });

    it('should fail on a body shorter or longer than announced', async () => {
      await expect(run(new MeteredStream(12), ['hello ', 'world'])).rejects.toBeInstanceOf(BlobSizeMismatchError);
      await expect(run(new MeteredStream(8), ['hello ', 'world'])).rejects.toThrow(
        'Expected 8 bytes but received more',
      );
    });
  });
});
