import { Controller, Get, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { publicBaseUrl } from 'src/auth/public-url';
import { WhoamiResponseDto } from 'src/auth/whoami.dto';
import { WhoamiService } from 'src/auth/whoami.service';
import { AuthUser } from 'src/common/auth-user';
import { Auth } from 'src/common/decorators/auth.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { HubConfig } from 'src/config/hub-config';

@ApiTags('auth')
@Controller('api')
export class WhoamiController {
  constructor(
    private readonly whoamiService: WhoamiService,
    private readonly config: HubConfig,
  ) {}

  /** Who the caller is, in the shape the Hugging Face clients expect. */
  @Get('whoami-v2')
  @Auth()
  whoami(@CurrentUser() user: AuthUser, @Req() request: Request): Promise<WhoamiResponseDto> {
    return this.whoamiService.whoami(user, publicBaseUrl(request, this.config));
  }
}
