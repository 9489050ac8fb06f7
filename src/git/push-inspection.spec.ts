import { BadRequestError } from 'src/common/errors/hub-error';
import { isDeletion, parseRefUpdates } from 'src/git/push-inspection';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ZERO = '0'.repeat(40);

describe(parseRefUpdates.name, () => {
  it('should read the lines git gives receive hooks', () => {
    const updates = parseRefUpdates(`${A} ${B} refs/heads/main\n${B} ${ZERO} refs/heads/old\n`);
    expect(updates).toEqual([
      { oldSha: A, newSha: B, ref: 'refs/heads/main' },
      { oldSha: B, newSha: ZERO, ref: 'refs/heads/old' },
    ]);
    expect(updates.map(isDeletion)).toEqual([false, true]);
  });

  it('should refuse anything else', () => {
    expect(() => parseRefUpdates(`${A} ${B}\n`)).toThrow(BadRequestError);
    expect(() => parseRefUpdates(`${A} xyz refs/heads/main\n`)).toThrow(BadRequestError);
    expect(() => parseRefUpdates(`${A} ${B} refs/heads/a b\n`)).toThrow(BadRequestError);
  });
});
