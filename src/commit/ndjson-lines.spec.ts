import { Readable } from 'node:stream';
import { PayloadTooLargeError } from 'src/common/errors/hub-error';
import { ndjsonLines } from 'src/commit/ndjson-lines';

async function collect(chunks: (string | Buffer)[], maxLineBytes = 1024): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of ndjsonLines(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), maxLineBytes)) {
    lines.push(line.toString('utf8'));
  }
  return lines;
}

describe('ndjsonLines', () => {
  it('should split lines across and within chunks, with or without a final newline', async () => {
    expect(await collect(['{"a":1}\n{"b"', ':2}\n{"c":3}'])).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    expect(await collect(['x\n', 'y\n'])).toEqual(['x', 'y']);
  });

  it('should drop CR before LF and skip blank lines', async () => {
    expect(await collect(['a\r\n\r\n', '\nb\r', '\n'])).toEqual(['a', 'b']);
  });

  it('should keep multi-byte characters split across chunks intact', async () => {
    const bytes = Buffer.from('é✓\n');
    expect(await collect([bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4)])).toEqual(['é✓']);
  });

  it('should fail with 413 as soon as a line outgrows the limit, terminated or not', async () => {
    await expect(collect(['x'.repeat(600), 'x'.repeat(600), '\n'], 1000)).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(collect(['x'.repeat(1001)], 1000)).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(collect([`${'x'.repeat(1000)}\nshort\n`], 1000)).resolves.toEqual(['x'.repeat(1000), 'short']);
  });

  it('should leave the source open when the reader stops early', async () => {
    const source = Readable.from([Buffer.from('one\ntwo\nthree\n')]);
    for await (const line of ndjsonLines(source, 100)) {
      expect(line.toString()).toBe('one');
      break;
    }
    expect(source.destroyed).toBe(false);
  });
});
