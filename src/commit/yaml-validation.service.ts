import { Injectable } from '@nestjs/common';
import { parseDocument } from 'yaml';
import { BadRequestError } from 'src/common/errors/hub-error';
import { ValidateYamlDto, ValidateYamlResponseDto, YamlIssueDto } from 'src/commit/commit.dto';

/** The front matter of a README: `---` on the first line, up to the next line that is `---` (or `...`). */
const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m;
const EMPTY_FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/**
 * `POST /api/validate-yaml`: checks that a README's metadata block is YAML holding a mapping.
 * Invalid metadata is a 400 carrying `{errors: [{message}]}` (Python turns it into "Invalid metadata
 * in README.md" before uploading anything); a README without front matter is valid.
 */
@Injectable()
export class YamlValidationService {
  validate(dto: ValidateYamlDto): ValidateYamlResponseDto {
    const content = dto.content;
    if (EMPTY_FRONT_MATTER.test(content)) {
      return { errors: [], warnings: [] };
    }
    const match = FRONT_MATTER.exec(content);
    if (match === null || match.index !== 0) {
      if (/^\uFEFF?---[ \t]*\r?\n/.test(content)) {
        return this.fail([{ message: 'The YAML metadata block is not closed with a "---" line' }]);
      }
      return { errors: [], warnings: [] };
    }
    const document = parseDocument(match[1], { prettyErrors: true, uniqueKeys: true });
    if (document.errors.length > 0) {
      return this.fail(
        document.errors.map((error) => ({ message: `Invalid YAML in the metadata block: ${error.message}` })),
      );
    }
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
      return this.fail([{ message: 'The YAML metadata block must be a mapping of keys to values' }]);
    }
    return {
      errors: [],
      warnings: document.warnings.map((warning) => ({ message: warning.message })),
    };
  }

  private fail(errors: YamlIssueDto[]): never {
    throw new BadRequestError(errors.map((error) => error.message).join('; '), { body: { errors, warnings: [] } });
  }
}
