import { BadRequestError } from 'src/common/errors/hub-error';
import { YamlValidationService } from 'src/commit/yaml-validation.service';

describe(YamlValidationService.name, () => {
  const sut = new YamlValidationService();

  it('should accept valid metadata and READMEs without metadata', () => {
    expect(sut.validate({ content: '---\nlicense: apache-2.0\n---\ntext' })).toEqual({ errors: [], warnings: [] });
    expect(sut.validate({ content: 'no metadata\n---\nnot: front matter\n---\n' })).toEqual({
      errors: [],
      warnings: [],
    });
    expect(sut.validate({ content: '---\n---\n' })).toEqual({ errors: [], warnings: [] });
    expect(sut.validate({ content: '---\n# only a comment\n...\n' })).toEqual({ errors: [], warnings: [] });
  });

  it('should throw a 400 carrying the errors list for invalid metadata', () => {
    for (const content of ['---\na: [b\n---\n', '---\n[1, 2]\n---\n', '---\nunclosed: yes\n']) {
      let thrown: unknown;
      try {
        sut.validate({ content });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(BadRequestError);
      expect((thrown as BadRequestError).body).toEqual({ errors: [{ message: expect.any(String) }], warnings: [] });
    }
  });
});
