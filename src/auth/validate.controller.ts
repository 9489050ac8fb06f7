import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from 'src/common/decorators/auth.decorator';
import { CheckNameDto, CheckNameResponseDto } from 'src/auth/validate.dto';
import { ValidateService } from 'src/auth/validate.service';

@ApiTags('validation')
@Controller('api/validate')
export class ValidateController {
  constructor(private readonly validateService: ValidateService) {}

  /** Whether a user, organization or repository name is free; invalid names come back as unavailable with the reason. */
  @Post('check-name')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: CheckNameResponseDto })
  checkName(@Body() dto: CheckNameDto): Promise<CheckNameResponseDto> {
    return this.validateService.checkName(dto);
  }
}
