import { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadRequestError } from 'src/common/errors/hub-error';
import { GitStream } from 'src/git/git-process';

/** What git-http-backend sends so no proxy or client caches protocol answers. */
export const NO_CACHE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-cache, max-age=0, must-revalidate',
  Pragma: 'no-cache',
  Expires: 'Fri, 01 Jan 1980 00:00:00 GMT',
};

/** After an error, at most this much of a request body still being sent is read and thrown away. */
const MAX_DISCARD_BYTES = 64 * 1024 * 1024;

/** git exited without answering: what it read was not a request it understands. */
export class GitRequestRejectedError extends BadRequestError {
  constructor(service: string) {
    super(`git ${service} could not process this request (malformed or unsupported protocol data)`);
  }
}

/** The first chunk of `stream`, or null if it ends without one; leaves the stream paused. */
function firstChunk(stream: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      cleanup();
      stream.pause();
      resolve(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(null);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

/**
 * Streams a git service's output as the response. Headers are sent only once git has written
 * something, so a request git refuses without a word (malformed pkt-lines) becomes a plain 400
 * rather than an empty 200; failures after that can only cut the response short.
 */
export async function sendGitOutput(
  response: Response,
  git: GitStream,
  options: { service: string; contentType: string; preamble?: Buffer },
): Promise<void> {
  // A client gone before git has answered must not leave git computing a pack for nobody.
  const onClose = (): void => git.kill();
  response.once('close', onClose);
  let first: Buffer | null;
  try {
    first = await firstChunk(git.stdout);
  } catch (error) {
    git.kill();
    throw error;
  }
  if (first === null) {
    const exit = await git.exit;
    if (exit.exitCode !== 0) {
      throw new GitRequestRejectedError(options.service);
    }
  }
  response.status(200);
  response.setHeader('Content-Type', options.contentType);
  for (const [name, value] of Object.entries(NO_CACHE_HEADERS)) {
    response.setHeader(name, value);
  }
  if (options.preamble !== undefined) {
    response.write(options.preamble);
  }
  if (first !== null) {
    response.write(first);
  }
  try {
    await pipeline(git.stdout, response);
  } catch {
    // The client went away or git failed midway; the connection is already cut, git is stopped.
    git.kill();
  }
}

/**
 * Reads and drops what is left of a request body after the answer was decided, so a client still
 * sending gets to read the answer instead of a reset connection. Past the bound the connection is
 * closed: nobody is made to wait for gigabytes that will be thrown away.
 */
export function discardRequestBody(request: Request): void {
  if (request.readableEnded || request.destroyed) {
    return;
  }
  let seen = 0;
  request.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > MAX_DISCARD_BYTES) {
      request.destroy();
    }
  });
  request.on('error', () => undefined);
  request.resume();
}
