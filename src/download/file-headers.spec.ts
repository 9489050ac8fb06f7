import { HubError } from 'src/common/errors/hub-error';
import { contentTypeOf, inlineDisposition, requestedBytes } from 'src/download/file-headers';

describe(requestedBytes.name, () => {
  it('should select one range, clamped, and a suffix', () => {
    expect(requestedBytes('bytes=0-0', 10)).toEqual({ kind: 'range', range: { start: 0, end: 0 } });
    expect(requestedBytes('bytes=2-', 10)).toEqual({ kind: 'range', range: { start: 2, end: 9 } });
    expect(requestedBytes('bytes=0-100000', 10)).toEqual({ kind: 'range', range: { start: 0, end: 9 } });
    expect(requestedBytes('bytes=-3', 10)).toEqual({ kind: 'range', range: { start: 7, end: 9 } });
  });

  it.each([undefined, 'bytes=x-1', 'bytes=5-2', 'bytes=0-1,3-4', 'lines=0-1'])(
    'should send everything for %p',
    (header) => {
      expect(requestedBytes(header, 10)).toEqual({ kind: 'all' });
    },
  );

  it('should refuse a start past the end with 416, bytes */size and the extra headers', () => {
    let error: unknown;
    try {
      requestedBytes('bytes=10-', 10, { 'X-Repo-Commit': 'c'.repeat(40) });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HubError);
    expect(error).toMatchObject({
      status: 416,
      code: 'RangeNotSatisfiable',
      headers: { 'Content-Range': 'bytes */10', 'X-Repo-Commit': 'c'.repeat(40) },
    });
  });

  it('should answer the empty range of an empty file asked from byte 0, and 416 for a suffix of it', () => {
    expect(requestedBytes('bytes=0-0', 0)).toEqual({ kind: 'empty' });
    expect(requestedBytes('bytes=0-', 0)).toEqual({ kind: 'empty' });
    expect(requestedBytes(undefined, 0)).toEqual({ kind: 'all' });
    expect(() => requestedBytes('bytes=-1', 0)).toThrow(HubError);
  });
});

describe(contentTypeOf.name, () => {
  it.each([
    ['config.json', 'application/json'],
    ['dir/README.md', 'text/plain; charset=utf-8'],
    ['.gitattributes', 'text/plain; charset=utf-8'],
    ['model.safetensors', 'application/octet-stream'],
    ['page.html', 'application/octet-stream'],
    ['image.svg', 'application/octet-stream'],
    ['Makefile', 'application/octet-stream'],
  ])('should serve %p as %p', (path, type) => {
    expect(contentTypeOf(path)).toBe(type);
  });
});

describe(inlineDisposition.name, () => {
  it('should name the file with an ASCII fallback and the exact UTF-8 name', () => {
    expect(inlineDisposition('dir a/é "x".txt')).toBe(
      `inline; filename="_ _x_.txt"; filename*=UTF-8''%C3%A9%20%22x%22.txt`,
    );
  });
});
