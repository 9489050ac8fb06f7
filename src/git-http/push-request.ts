import { Readable } from 'node:stream';
import { BadRequestError } from 'src/common/errors/hub-error';
import { FLUSH_PKT, PktLineFormatError, pktLine, readPktLine } from 'src/git-http/pkt-line';

/** One ref update a client asks for in a push. */
export interface PushCommand {
  oldSha: string;
  newSha: string;
  ref: string;
}

/** The command list that opens every receive-pack request, before the pack. */
export interface PushRequestHead {
  /**
   * Empty for git's probe: before streaming a large push, git POSTs a lone flush packet to check
   * that the request goes through (authentication, proxies), and expects an empty 200.
   */
  commands: PushCommand[];
  /** What the client asked for (`report-status`, `side-band-64k`, …), as sent. */
  capabilities: string[];
  /**
   * The command list as receive-pack gets it: the same, with `atomic` requested, so that a push
   * whose refs raced other writers lands whole or not at all, whatever the client asked.
   */
  forwarded: Buffer;
}

const COMMAND_PATTERN = /^([0-9a-f]{40}) ([0-9a-f]{40}) (\S+)$/;
const SHALLOW_PATTERN = /^shallow [0-9a-f]{40}$/;

export class MalformedPushRequestError extends BadRequestError {
  constructor(reason: string) {
    super(`Malformed git-receive-pack request: ${reason}`);
  }
}

/**
 * Reads the command list of a receive-pack request (gitprotocol-pack: optional `shallow` lines,
 * then `<old> <new> <ref>` lines, the first carrying the capabilities after a NUL, then a flush)
 * and leaves the stream positioned at the pack, which is not read. At most `maxBytes` are buffered.
 */
export async function readPushRequestHead(body: Readable, maxBytes: number): Promise<PushRequestHead> {
  let buffer: Buffer = Buffer.alloc(0);
  let offset = 0;
  const lines: Buffer[] = [];
  for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    buffer = buffer.length === offset ? chunk : Buffer.concat([buffer.subarray(offset), chunk]);
    offset = 0;
    for (;;) {
      let packet;
      try {
        packet = readPktLine(buffer, offset);
      } catch (error) {
        throw new MalformedPushRequestError((error as PktLineFormatError).message);
      }
      if (packet === undefined) {
        break;
      }
      offset = packet.next;
      if (packet.payload === null) {
        if (offset < buffer.length) {
          body.unshift(buffer.subarray(offset));
        }
        return parseCommands(lines);
      }
      lines.push(Buffer.from(packet.payload));
    }
    if (buffer.length - offset + lines.reduce((total, line) => total + line.length, 0) > maxBytes) {
      throw new MalformedPushRequestError(`the command list is longer than ${maxBytes} bytes`);
    }
  }
  throw new MalformedPushRequestError('the request ended before the command list did');
}

function parseCommands(lines: Buffer[]): PushRequestHead {
  const commands: PushCommand[] = [];
  const forwarded: Buffer[] = [];
  let capabilities: string[] | undefined;
  for (const raw of lines) {
    const text = raw.toString('utf8');
    const nul = text.indexOf('\0');
    const line = (nul < 0 ? text : text.slice(0, nul)).replace(/\n$/, '');
    if (SHALLOW_PATTERN.test(line)) {
      forwarded.push(pktLine(raw));
      continue;
    }
    const match = COMMAND_PATTERN.exec(line);
    if (match === null) {
      throw new MalformedPushRequestError(`unexpected line ${JSON.stringify(line.slice(0, 120))}`);
    }
    commands.push({ oldSha: match[1], newSha: match[2], ref: match[3] });
    if (capabilities === undefined) {
      capabilities =
        nul < 0
          ? []
          : text
              .slice(nul + 1)
              .replace(/\n$/, '')
              .split(' ')
              .filter(Boolean);
      const requested = capabilities.includes('atomic') ? capabilities : [...capabilities, 'atomic'];
      forwarded.push(pktLine(`${line}\0${requested.join(' ')}\n`));
    } else {
      forwarded.push(pktLine(raw));
    }
  }
  forwarded.push(FLUSH_PKT);
  return { commands, capabilities: capabilities ?? [], forwarded: Buffer.concat(forwarded) };
}
