import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from 'src/common/decorators/auth.decorator';
import { HealthResponseDto, RootResponseDto, VersionResponseDto } from 'src/system/system.dto';
import { SystemService } from 'src/system/system.service';

@ApiTags('system')
@Controller()
export class SystemController {
  constructor(private readonly systemService: SystemService) {}

  @Get()
  @Public()
  getRoot(): RootResponseDto {
    return this.systemService.getRoot();
  }

  @Get('api/version')
  @Public()
  getVersion(): VersionResponseDto {
    return this.systemService.getVersion();
  }

  @Get('health')
  @Public()
  @ApiOkResponse({ type: HealthResponseDto })
  @ApiServiceUnavailableResponse({ description: 'A dependency (database, storage or git) is down' })
  getHealth(): Promise<HealthResponseDto> {
    return this.systemService.getHealth();
  }
}
