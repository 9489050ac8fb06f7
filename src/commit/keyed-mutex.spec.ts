import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedMutex } from 'src/commit/keyed-mutex';

describe(KeyedMutex.name, () => {
  it('should run tasks of one key one at a time in arrival order, and tell them whether they waited', async () => {
    const sut = new KeyedMutex();
    const events: string[] = [];
    const task = (name: string, ms: number) => async (hasWaited: boolean) => {
      events.push(`start ${name} ${hasWaited}`);
      await sleep(ms);
      events.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      sut.run('k', task('a', 20)),
      sut.run('k', task('b', 1)),
      sut.run('k', task('c', 1)),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['start a false', 'end a', 'start b true', 'end b', 'start c true', 'end c']);
    expect(sut.size).toBe(0);
  });

  it('should run different keys concurrently and keep going after a failure', async () => {
    const sut = new KeyedMutex();
    const events: string[] = [];
    const slow = sut.run('x', async () => {
      await sleep(20);
      events.push('x');
    });
    await sut.run('y', async () => {
      events.push('y');
      await Promise.resolve();
    });
    await slow;
    expect(events).toEqual(['y', 'x']);
    await expect(sut.run('z', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(sut.run('z', (hasWaited) => Promise.resolve(hasWaited))).resolves.toBe(false);
    expect(sut.size).toBe(0);
  });
});
