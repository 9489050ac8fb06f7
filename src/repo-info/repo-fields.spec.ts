import { BadRequestError } from 'src/common/errors/hub-error';
import { infoFields, listFields } from 'src/repo-info/repo-fields';

describe(infoFields.name, () => {
  it('should answer the default set without expand, and exactly the expanded properties with it', () => {
    expect(infoFields('model', undefined)).toContain('siblings');
    expect(infoFields('model', [])).toContain('siblings');
    expect(infoFields('model', ['sha', 'private', 'sha'])).toEqual(['sha', 'private']);
  });

  it("should accept every property of the clients' lists for the type, and nothing else", () => {
    expect(infoFields('model', ['gitalyUid', 'safetensors', 'widgetData'])).toHaveLength(3);
    expect(infoFields('dataset', ['citation', 'paperswithcode_id'])).toHaveLength(2);
    expect(infoFields('space', ['sdk', 'runtime', 'models'])).toHaveLength(3);
    expect(() => infoFields('model', ['sdk'])).toThrow(BadRequestError);
    expect(() => infoFields('dataset', ['pipeline_tag'])).toThrow(BadRequestError);
    expect(() => infoFields('space', ['downloads'])).toThrow('Invalid expand value for a space: "downloads"');
  });
});

describe(listFields.name, () => {
  it('should add sha, siblings and cardData for full, and cardData alone for cardData', () => {
    const plain = listFields('model', undefined, { isFull: false, withCardData: false });
    expect(plain).not.toContain('siblings');
    expect(listFields('model', undefined, { isFull: true, withCardData: false })).toEqual([
      ...plain,
      'sha',
      'siblings',
      'cardData',
    ]);
    expect(listFields('model', undefined, { isFull: false, withCardData: true })).toEqual([...plain, 'cardData']);
  });

  it('should let expand replace the defaults', () => {
    expect(listFields('space', ['likes'], { isFull: true, withCardData: true })).toEqual(['likes']);
  });
});
