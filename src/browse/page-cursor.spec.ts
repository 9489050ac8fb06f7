import { Request, Response } from 'express';
import { BadRequestError } from 'src/common/errors/hub-error';
import {
  cursorOffset,
  decodeCursor,
  encodeCursor,
  MAX_CURSOR_LENGTH,
  nextPageUrl,
  sendPage,
} from 'src/browse/page-cursor';

const SHA = 'ab'.repeat(20);
const NO_PROXY = { baseUrl: undefined, trustProxy: false };

function fakeRequest(originalUrl: string, host = 'hub.local:28080'): Request {
  return { originalUrl, headers: { host }, socket: {} } as unknown as Request;
}

describe('page cursors', () => {
  it('should round-trip a commit and a position through an opaque URL-safe string', () => {
    const cursor = encodeCursor({ commitSha: SHA, position: 'dir a/ünï:x.txt' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(SHA);
    expect(decodeCursor(cursor)).toEqual({ commitSha: SHA, position: 'dir a/ünï:x.txt' });
    const sha256 = 'c'.repeat(64);
    expect(decodeCursor(encodeCursor({ commitSha: sha256, position: '0' }))).toEqual({
      commitSha: sha256,
      position: '0',
    });
  });

  it('should fit the longest repository path', () => {
    const cursor = encodeCursor({ commitSha: SHA, position: `${'é'.repeat(2047)}x` });
    expect(cursor.length).toBeLessThanOrEqual(MAX_CURSOR_LENGTH);
    expect(decodeCursor(cursor).position).toHaveLength(2048);
  });

  it.each([
    ['garbage', 'garbage'],
    ['a short id', Buffer.from('abc:1').toString('base64url')],
    ['an upper-case id', Buffer.from(`${SHA.toUpperCase()}:1`).toString('base64url')],
    ['no position', Buffer.from(`${SHA}:`).toString('base64url')],
    ['no separator', Buffer.from(SHA).toString('base64url')],
    ['a NUL in the position', Buffer.from(`${SHA}:a\0b`).toString('base64url')],
    ['an over-long value', 'A'.repeat(MAX_CURSOR_LENGTH + 1)],
  ])('should refuse %s with a 400', (_label, raw) => {
    expect(() => decodeCursor(raw)).toThrow(BadRequestError);
  });

  it('should read history offsets and refuse anything else', () => {
    expect(cursorOffset({ commitSha: SHA, position: '150' })).toBe(150);
    for (const position of ['-1', '1.5', 'x', '99999999999', 'a/b']) {
      expect(() => cursorOffset({ commitSha: SHA, position })).toThrow(BadRequestError);
    }
  });
});

describe('nextPageUrl', () => {
  it('should keep the path as it arrived and every other parameter, replacing the cursor', () => {
    const request = fakeRequest('/api/models/a/b/commits/refs%2Fpr%2F1?expand%5B%5D=formatted&cursor=old&limit=5');
    const url = new URL(nextPageUrl(request, NO_PROXY, { commitSha: SHA, position: '10' }));
    expect(url.origin).toBe('http://hub.local:28080');
    expect(url.pathname).toBe('/api/models/a/b/commits/refs%2Fpr%2F1');
    expect(url.searchParams.getAll('expand[]')).toEqual(['formatted']);
    expect(url.searchParams.get('limit')).toBe('5');
    expect(url.searchParams.getAll('cursor')).toEqual([encodeCursor({ commitSha: SHA, position: '10' })]);
  });

  it('should use the configured public URL, prefix included, when there is one', () => {
    const request = fakeRequest('/api/models/a/b/tree/main', 'internal:1');
    const url = nextPageUrl(
      request,
      { baseUrl: 'https://corp.example/hub/', trustProxy: false },
      {
        commitSha: SHA,
        position: 'a.txt',
      },
    );
    expect(url.startsWith('https://corp.example/hub/api/models/a/b/tree/main?cursor=')).toBe(true);
  });
});

describe('sendPage', () => {
  function fakeResponse(): { response: Response; headers: Record<string, string> } {
    const headers: Record<string, string> = {};
    const response = { setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as Response;
    return { response, headers };
  }

  it('should send Link in the exact form the clients parse, and X-Total-Count when known', () => {
    const { response, headers } = fakeResponse();
    const items = sendPage(fakeRequest('/api/models/a/b/tree/main?recursive=true'), response, NO_PROXY, {
      items: [1, 2],
      next: { commitSha: SHA, position: 'b.txt' },
      totalCount: 7,
    });
    expect(items).toEqual([1, 2]);
    expect(headers.Link).toMatch(
      /^<http:\/\/hub\.local:28080\/api\/models\/a\/b\/tree\/main\?recursive=true&cursor=[^>]+>; rel="next"$/,
    );
    expect(headers['X-Total-Count']).toBe('7');
  });

  it('should send no Link on the last page', () => {
    const { response, headers } = fakeResponse();
    expect(sendPage(fakeRequest('/x'), response, NO_PROXY, { items: [], next: null })).toEqual([]);
    expect(headers).toEqual({});
  });
});
