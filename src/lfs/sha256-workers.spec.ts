import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Sha256Workers } from 'src/lfs/sha256-workers';

function sha256(...parts: Buffer[]): string {
  const hash = createHash('sha256');
  parts.forEach((part) => hash.update(part));
  return hash.digest('hex');
}

describe(Sha256Workers.name, () => {
  const sut = new Sha256Workers();
  afterAll(() => sut.onModuleDestroy());

  it('should hash buffers in order, including views into larger ones, and let the caller reuse them', async () => {
    const pooled = Buffer.from('xxhello worldyy').subarray(2, 13);
    const reused = Buffer.from('-again');
    const large = randomBytes(2.5 * 1024 * 1024);
    const hash = sut.open();
    hash.update(pooled);
    hash.update(reused);
    reused.fill(0);
    hash.update(Buffer.alloc(0));
    hash.update(large);

    expect(await hash.digest()).toBe(sha256(Buffer.from('hello world-again'), large));
  });

  it('should keep concurrent hashes apart, on one worker or several', async () => {
    const parts = Array.from({ length: 6 }, () => [randomBytes(70_000), randomBytes(3)]);
    const hashes = parts.map(() => sut.open());
    for (let round = 0; round < 2; round += 1) {
      hashes.forEach((hash, index) => hash.update(parts[index][round]));
    }

    expect(await Promise.all(hashes.map((hash) => hash.digest()))).toEqual(parts.map((part) => sha256(...part)));
  });

  it('should hash nothing to the empty digest and measure a stream', async () => {
    expect(await sut.open().digest()).toBe(sha256());
    const chunks = Array.from({ length: 40 }, () => randomBytes(4096));

    expect(await sut.measure(Readable.from(chunks))).toEqual({ oid: sha256(...chunks), size: 40 * 4096 });
  });

  it('should gather small updates, and make a fast producer wait for the worker, then let it go on', async () => {
    const hash = sut.open();
    const small = randomBytes(1000);
    const block = randomBytes(1024 * 1024);
    hash.update(small);
    expect(hash.isBusy).toBe(false);
    for (let count = 0; count < 20; count += 1) {
      hash.update(block);
    }
    expect(hash.isBusy).toBe(true);

    await hash.whenReady();

    expect(hash.isBusy).toBe(false);
    expect(await hash.digest()).toBe(sha256(small, ...Array.from({ length: 20 }, () => block)));
  });
});
