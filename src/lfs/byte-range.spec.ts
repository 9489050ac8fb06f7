import { RangeNotSatisfiableError } from 'src/common/errors/hub-error';
import { parseByteRange } from 'src/lfs/byte-range';

describe(parseByteRange.name, () => {
  it('should read a closed range and clamp its end to the last byte', () => {
    expect(parseByteRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseByteRange('bytes=2-5', 10)).toEqual({ start: 2, end: 5 });
    expect(parseByteRange('bytes=0-100000', 10)).toEqual({ start: 0, end: 9 });
  });

  it('should read open and suffix ranges', () => {
    expect(parseByteRange('bytes=4-', 10)).toEqual({ start: 4, end: 9 });
    expect(parseByteRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseByteRange('bytes=-30', 10)).toEqual({ start: 0, end: 9 });
  });

  it('should ignore what it may ignore: no header, other units, several ranges, malformed ranges', () => {
    for (const header of [undefined, 'items=0-1', 'bytes=0-1,4-5', 'bytes=5-2', 'bytes=-', 'bytes=a-b']) {
      expect(parseByteRange(header, 10)).toBeUndefined();
    }
  });

  it('should refuse ranges that start past the end, and empty suffixes', () => {
    expect(() => parseByteRange('bytes=10-', 10)).toThrow(RangeNotSatisfiableError);
    expect(() => parseByteRange('bytes=-0', 10)).toThrow(RangeNotSatisfiableError);
    expect(() => parseByteRange('bytes=0-0', 0)).toThrow(RangeNotSatisfiableError);
  });
});
