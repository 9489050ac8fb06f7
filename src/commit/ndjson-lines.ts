import { Readable } from 'node:stream';
import { PayloadTooLargeError } from 'src/common/errors/hub-error';

/**
 * The lines of an NDJSON body as it streams in, without their `\n` (or `\r\n`); the last line may
 * lack its terminator (the JS client sends none). Only the line being assembled is held in memory,
 * and a line longer than `maxLineBytes` fails with 413 as soon as it gets there. Blank lines are
 * skipped.
 */
export async function* ndjsonLines(body: Readable, maxLineBytes: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let pending = 0;
  const tooLarge = (): PayloadTooLargeError =>
    new PayloadTooLargeError(`A line of the commit payload is larger than the limit of ${maxLineBytes} bytes`);

  const finish = (tail: Buffer): Buffer | null => {
    let line = parts.length === 0 ? tail : Buffer.concat([...parts, tail], pending + tail.length);
    parts = [];
    pending = 0;
    if (line.length > 0 && line[line.length - 1] === 0x0d) {
      line = line.subarray(0, line.length - 1);
    }
    return line.length === 0 ? null : line;
  };

  // The request must survive an early stop (a rejected line): the error response still has to go out.
  const chunks = body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer | string>;
  for await (const data of chunks) {
    const chunk = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let start = 0;
    for (let newline = chunk.indexOf(0x0a, start); newline >= 0; newline = chunk.indexOf(0x0a, start)) {
      if (pending + newline - start > maxLineBytes) {
        throw tooLarge();
      }
      const line = finish(chunk.subarray(start, newline));
      start = newline + 1;
      if (line !== null) {
        yield line;
      }
    }
    if (start < chunk.length) {
      if (pending + chunk.length - start > maxLineBytes) {
        throw tooLarge();
      }
      parts.push(chunk.subarray(start));
      pending += chunk.length - start;
    }
  }
  const last = finish(Buffer.alloc(0));
  if (last !== null) {
    yield last;
  }
}
