/**
 * git's pkt-line framing (gitprotocol-common): four hex digits giving the length of the line
 * including themselves, then the payload. `0000` is a flush packet.
 */
export const FLUSH_PKT = Buffer.from('0000', 'ascii');

/** The largest payload one pkt-line can carry (65520 bytes minus the length prefix). */
export const MAX_PKT_PAYLOAD = 65516;

export function pktLine(payload: Buffer | string): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  if (data.length > MAX_PKT_PAYLOAD) {
    throw new RangeError(`A pkt-line carries at most ${MAX_PKT_PAYLOAD} bytes, not ${data.length}`);
  }
  return Buffer.concat([Buffer.from((data.length + 4).toString(16).padStart(4, '0'), 'ascii'), data]);
}

/** Payload room of one packet with the old `side-band` capability (1000-byte packets). */
export const SMALL_SIDE_BAND_PAYLOAD = 995;

/**
 * `payload` on side-band channel `band` (1: data, 2: progress and messages the client prints as
 * `remote: …`, 3: fatal error), cut into as many pkt-lines as it needs: 64 KiB packets for
 * `side-band-64k`, `SMALL_SIDE_BAND_PAYLOAD` for plain `side-band`.
 */
export function sideBand(band: 1 | 2 | 3, payload: Buffer | string, maxPayload = MAX_PKT_PAYLOAD - 1): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const packets: Buffer[] = [];
  const room = Math.min(maxPayload, MAX_PKT_PAYLOAD - 1);
  for (let start = 0; start < data.length || packets.length === 0; start += room) {
    packets.push(pktLine(Buffer.concat([Buffer.from([band]), data.subarray(start, start + room)])));
  }
  return Buffer.concat(packets);
}

/** A pkt-line read from a buffer: its payload (null for a flush) and where the next one starts. */
export interface ParsedPktLine {
  payload: Buffer | null;
  next: number;
}

export class PktLineFormatError extends Error {}

/**
 * Reads the pkt-line at `offset`, or returns undefined when `buffer` does not hold all of it yet.
 * Throws `PktLineFormatError` for a length that is not four hex digits, or that git never sends.
 */
export function readPktLine(buffer: Buffer, offset: number): ParsedPktLine | undefined {
  if (buffer.length - offset < 4) {
    return undefined;
  }
  const prefix = buffer.toString('latin1', offset, offset + 4);
  if (!/^[0-9a-f]{4}$/i.test(prefix)) {
    throw new PktLineFormatError(`bad pkt-line length ${JSON.stringify(prefix)}`);
  }
  const length = parseInt(prefix, 16);
  if (length === 0) {
    return { payload: null, next: offset + 4 };
  }
  if (length < 4 || length > MAX_PKT_PAYLOAD + 4) {
    throw new PktLineFormatError(`bad pkt-line length ${prefix}`);
  }
  if (buffer.length - offset < length) {
    return undefined;
  }
  return { payload: buffer.subarray(offset + 4, offset + length), next: offset + length };
}
