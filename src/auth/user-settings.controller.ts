import { Body, Controller, Param, Put, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiForbiddenResponse, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { AuthUser } from 'src/common/auth-user';
import { Auth } from 'src/common/decorators/auth.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { HubConfig } from 'src/config/hub-config';
import { publicBaseUrl } from 'src/auth/public-url';
import { UpdateUserSettingsDto, UserSettingsResponseDto } from 'src/auth/user-settings.dto';
import { UserSettingsService } from 'src/auth/user-settings.service';

@ApiTags('users')
@Controller('api/users')
export class UserSettingsController {
  constructor(
    private readonly userSettingsService: UserSettingsService,
    private readonly config: HubConfig,
  ) {}

  @Put(':username/settings')
  @Auth({ scope: 'write' })
  @ApiForbiddenResponse({ description: 'Only the user themself or a site administrator may change the settings' })
  @ApiConflictResponse({ description: 'The new email address belongs to another account' })
  updateUserSettings(
    @CurrentUser() user: AuthUser,
    @Param('username') username: string,
    @Body() dto: UpdateUserSettingsDto,
    @Req() request: Request,
  ): Promise<UserSettingsResponseDto> {
    return this.userSettingsService.updateSettings(user, username, dto, publicBaseUrl(request, this.config));
  }
}
