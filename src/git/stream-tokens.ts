import { Readable } from 'node:stream';

/**
 * The pieces of a stream between `delimiter` bytes (without the delimiter), decoded one by one so
 * multi-byte characters never split; a last piece without its delimiter is yielded too.
 */
export async function* delimitedTokens(stream: Readable, delimiter: number): AsyncGenerator<string> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let buffer = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    for (let end = buffer.indexOf(delimiter); end >= 0; end = buffer.indexOf(delimiter)) {
      yield buffer.toString('utf8', 0, end);
      buffer = buffer.subarray(end + 1);
    }
    rest = buffer;
  }
  if (rest.length > 0) {
    yield rest.toString('utf8');
  }
}

/** Lines of a stream, without their `\n`. */
export function textLines(stream: Readable): AsyncGenerator<string> {
  return delimitedTokens(stream, 0x0a);
}

/** NUL-terminated tokens of a stream (the `-z` output of git commands). */
export function nulTokens(stream: Readable): AsyncGenerator<string> {
  return delimitedTokens(stream, 0);
}
