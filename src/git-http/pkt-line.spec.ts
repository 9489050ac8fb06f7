import { FLUSH_PKT, MAX_PKT_PAYLOAD, PktLineFormatError, pktLine, readPktLine, sideBand } from 'src/git-http/pkt-line';

describe('pkt-line', () => {
  it('should frame a payload with its length in four hex digits, prefix included', () => {
    expect(pktLine('# service=git-upload-pack\n').toString()).toBe('001e# service=git-upload-pack\n');
    expect(FLUSH_PKT.toString()).toBe('0000');
  });

  it('should refuse a payload larger than one packet', () => {
    expect(() => pktLine(Buffer.alloc(MAX_PKT_PAYLOAD + 1))).toThrow(RangeError);
  });

  it('should cut a side-band payload into packets that carry the band byte', () => {
    const framed = sideBand(2, Buffer.alloc(2500, 'x'), 995);
    const packets = [];
    for (let offset = 0; offset < framed.length;) {
      const packet = readPktLine(framed, offset);
      packets.push(packet?.payload);
      offset = packet?.next ?? framed.length;
    }
    expect(packets.map((payload) => payload?.length)).toEqual([996, 996, 511]);
    expect(packets.every((payload) => payload?.[0] === 2)).toBe(true);
  });

  it('should read a packet, a flush, and report an incomplete one as undefined', () => {
    const buffer = Buffer.from('0009hello0000000ahel');
    const first = readPktLine(buffer, 0);
    expect(first?.payload?.toString()).toBe('hello');
    const flush = readPktLine(buffer, first?.next ?? 0);
    expect(flush).toEqual({ payload: null, next: 13 });
    expect(readPktLine(buffer, 13)).toBeUndefined();
  });

  it('should refuse lengths that are not hex or that git never sends', () => {
    expect(() => readPktLine(Buffer.from('zzzzhello'), 0)).toThrow(PktLineFormatError);
    expect(() => readPktLine(Buffer.from('0002'), 0)).toThrow(PktLineFormatError);
  });
});
