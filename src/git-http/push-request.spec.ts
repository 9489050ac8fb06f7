import { Readable } from 'node:stream';
import { FLUSH_PKT, pktLine } from 'src/git-http/pkt-line';
import { MalformedPushRequestError, readPushRequestHead } from 'src/git-http/push-request';

const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);
const ZERO = '0'.repeat(40);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The request as a stream delivering `chunkSize` bytes at a time, so packets straddle chunks. */
function streamOf(request: Buffer, chunkSize = 7): Readable {
  const chunks: Buffer[] = [];
  for (let start = 0; start < request.length; start += chunkSize) {
    chunks.push(request.subarray(start, start + chunkSize));
  }
  return Readable.from(chunks, { objectMode: false });
}

describe(readPushRequestHead.name, () => {
  it('should read the commands and capabilities, request atomic, and leave the pack in the stream', async () => {
    const pack = Buffer.from('PACK\0\0\0\x02rest-of-the-pack');
    const request = Buffer.concat([
      pktLine(`${OLD} ${NEW} refs/heads/main\0report-status side-band-64k agent=git/2.39\n`),
      pktLine(`${ZERO} ${NEW} refs/tags/v1\n`),
      FLUSH_PKT,
      pack,
    ]);
    const body = streamOf(request);

    const head = await readPushRequestHead(body, 1024);

    expect(head.commands).toEqual([
      { oldSha: OLD, newSha: NEW, ref: 'refs/heads/main' },
      { oldSha: ZERO, newSha: NEW, ref: 'refs/tags/v1' },
    ]);
    expect(head.capabilities).toEqual(['report-status', 'side-band-64k', 'agent=git/2.39']);
    expect(head.forwarded.toString()).toBe(
      Buffer.concat([
        pktLine(`${OLD} ${NEW} refs/heads/main\0report-status side-band-64k agent=git/2.39 atomic\n`),
        pktLine(`${ZERO} ${NEW} refs/tags/v1\n`),
        FLUSH_PKT,
      ]).toString(),
    );
    await expect(readAll(body)).resolves.toEqual(pack);
  });

  it('should keep shallow lines and not request atomic twice', async () => {
    const request = Buffer.concat([
      pktLine(`shallow ${OLD}\n`),
      pktLine(`${OLD} ${NEW} refs/heads/main\0atomic report-status\n`),
      FLUSH_PKT,
    ]);

    const head = await readPushRequestHead(streamOf(request, 1000), 1024);

    expect(head.capabilities).toEqual(['atomic', 'report-status']);
    expect(head.forwarded).toEqual(request);
  });

  it("should read git's probe (a lone flush) as a request without commands", async () => {
    await expect(readPushRequestHead(streamOf(FLUSH_PKT), 1024)).resolves.toMatchObject({ commands: [] });
  });

  it('should refuse garbage, a command list without its flush, and one longer than the limit', async () => {
    await expect(readPushRequestHead(streamOf(Buffer.from('GET / HTTP/1.1\r\n')), 1024)).rejects.toBeInstanceOf(
      MalformedPushRequestError,
    );
    await expect(readPushRequestHead(streamOf(pktLine(`${OLD} ${NEW} refs/heads/main\n`)), 1024)).rejects.toThrow(
      /ended before the command list/,
    );
    await expect(readPushRequestHead(streamOf(pktLine('not a command\n')), 1024)).rejects.toThrow(/ended before/);
    await expect(
      readPushRequestHead(streamOf(Buffer.concat([pktLine('not a command\n'), FLUSH_PKT])), 1024),
    ).rejects.toThrow(/unexpected line/);
    const many = Buffer.concat(Array.from({ length: 50 }, () => pktLine(`${OLD} ${NEW} refs/heads/main\n`)));
    await expect(readPushRequestHead(streamOf(many, 500), 1024)).rejects.toThrow(/longer than 1024 bytes/);
  });
});
