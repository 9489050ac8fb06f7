import { BadRequestError } from 'src/common/errors/hub-error';
import { decodeCursor, encodeCursor } from 'src/repo-info/list-cursor';
import { ListSortKey } from 'src/repo-info/repo-index.repository';

describe(encodeCursor.name, () => {
  it('should round-trip the position of every kind of order', () => {
    const cases = [
      ['likes', false, { value: 12, id: 4 }],
      ['lastModified', true, { value: '2024-01-02 03:04:05.678901', id: 9 }],
      ['createdAt', false, { id: 30 }],
    ] as const;
    for (const [sort, isAscending, position] of cases) {
      const cursor = encodeCursor(sort, isAscending, position);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(cursor, sort, isAscending)).toEqual(position);
    }
  });
});

describe(decodeCursor.name, () => {
  it('should refuse cursors of another order or direction', () => {
    const cursor = encodeCursor('downloads', false, { value: 3, id: 1 });
    expect(() => decodeCursor(cursor, 'likes', false)).toThrow(BadRequestError);
    expect(() => decodeCursor(cursor, 'downloads', true)).toThrow(BadRequestError);
  });

  it('should refuse malformed cursors and values of the wrong kind', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const cases: [string, ListSortKey][] = [
      ['!!!', 'likes'],
      [encode(null), 'likes'],
      [encode('text'), 'likes'],
      [encode([1]), 'likes'],
      [encode({ s: 'likes', a: false, v: '3', i: 1 }), 'likes'],
      [encode({ s: 'likes', a: false, v: 3, i: 1.5 }), 'likes'],
      [encode({ s: 'likes', a: false, v: 3 }), 'likes'],
      [encode({ s: 'lastModified', a: false, v: 3, i: 1 }), 'lastModified'],
      [encode({ s: 'createdAt', a: false, v: 3, i: 1 }), 'createdAt'],
    ];
    for (const [cursor, sort] of cases) {
      expect(() => decodeCursor(cursor, sort, false)).toThrow(BadRequestError);
    }
  });
});
