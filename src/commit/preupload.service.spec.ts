import { GitAttributes } from 'src/commit/gitattributes';
import { isBinarySample, uploadModeOf, UploadModeRules } from 'src/commit/preupload.service';

const rules: UploadModeRules = {
  thresholdBytes: 100,
  suffixes: ['.safetensors', '.Dat'],
  attributes: GitAttributes.parse('*.csv filter=lfs\n'),
};

function sample(bytes: Buffer | string): string {
  return Buffer.from(bytes).toString('base64');
}

describe('uploadModeOf', () => {
  it.each([
    ['empty files, whatever their name', { path: 'w.safetensors', size: 0 }, 'regular'],
    ['small text', { path: 'a.txt', size: 10, sample: sample('text') }, 'regular'],
    ['the threshold itself', { path: 'a.txt', size: 100, sample: sample('text') }, 'lfs'],
    ['a .gitattributes match', { path: 'data/x.csv', size: 1, sample: sample('a') }, 'lfs'],
    ['a suffix rule, any case', { path: 'x.DAT', size: 1, sample: sample('a') }, 'lfs'],
    ['a NUL byte', { path: 'a.txt', size: 3, sample: sample(Buffer.from([65, 0, 66])) }, 'lfs'],
    ['invalid UTF-8', { path: 'a.txt', size: 2, sample: sample(Buffer.from([0xff, 0xfe])) }, 'lfs'],
    ['no sample', { path: 'a.txt', size: 2 }, 'regular'],
  ])('should handle %s', (_case, file, mode) => {
    expect(uploadModeOf(file, rules)).toBe(mode);
  });
});

describe('isBinarySample', () => {
  it('should not count a multi-byte character cut at the end of the sample as binary', () => {
    const text = Buffer.from('aé');
    expect(isBinarySample(sample(text.subarray(0, 2)))).toBe(false);
    expect(isBinarySample(sample(Buffer.from([0x61, 0xe9, 0x61])))).toBe(true);
    expect(isBinarySample('')).toBe(false);
  });
});
