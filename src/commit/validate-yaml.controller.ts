import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from 'src/common/decorators/auth.decorator';
import { ValidateYamlDto, ValidateYamlResponseDto } from 'src/commit/commit.dto';
import { YamlValidationService } from 'src/commit/yaml-validation.service';

@ApiTags('validation')
@Controller()
export class ValidateYamlController {
  constructor(private readonly yamlValidation: YamlValidationService) {}

  /** Python calls this before committing a README.md; every answer is JSON, errors included. */
  @Post('api/validate-yaml')
  @HttpCode(200)
  @Public()
  @ApiOkResponse({ type: ValidateYamlResponseDto })
  @ApiBadRequestResponse({ description: '`{errors: [{message}], warnings: []}` when the metadata is not valid YAML' })
  validateYaml(@Body() dto: ValidateYamlDto): ValidateYamlResponseDto {
    return this.yamlValidation.validate(dto);
  }
}
