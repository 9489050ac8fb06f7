import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { publicBaseUrl } from 'src/auth/public-url';
import { AuthUser } from 'src/common/auth-user';
import { Auth, OptionalAuth } from 'src/common/decorators/auth.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { HubConfig } from 'src/config/hub-config';
import {
  CreateRepoDto,
  CreateRepoResponseDto,
  DeleteRepoDto,
  MoveRepoDto,
  MoveRepoResponseDto,
  RepoLfsSettingsDto,
  UpdateRepoSettingsDto,
} from 'src/repo/repo.dto';
import { RepoService } from 'src/repo/repo.service';
import { RepoTypeParam } from 'src/repo/repo-type.pipe';
import { RepoType } from 'src/repo/repo-types';

const REPO_TYPE_PARAM = { name: 'repoType', enum: ['models', 'datasets', 'spaces'] };

@ApiTags('repos')
@Controller()
export class RepoController {
  constructor(
    private readonly repoService: RepoService,
    private readonly config: HubConfig,
  ) {}

  @Post('api/repos/create')
  @HttpCode(200)
  @Auth({ scope: 'write' })
  @ApiOkResponse({ type: CreateRepoResponseDto })
  @ApiConflictResponse({ description: 'The repository exists; the JSON body carries its `url`' })
  createRepo(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateRepoDto,
    @Req() request: Request,
  ): Promise<CreateRepoResponseDto> {
    return this.repoService.createRepo(user, dto, publicBaseUrl(request, this.config));
  }

  @Delete('api/repos/delete')
  @Auth({ scope: 'write' })
  deleteRepo(@CurrentUser() user: AuthUser, @Body() dto: DeleteRepoDto): Promise<void> {
    return this.repoService.deleteRepo(user, dto);
  }

  @Post('api/repos/move')
  @HttpCode(200)
  @Auth({ scope: 'write' })
  moveRepo(
    @CurrentUser() user: AuthUser,
    @Body() dto: MoveRepoDto,
    @Req() request: Request,
  ): Promise<MoveRepoResponseDto> {
    return this.repoService.moveRepo(user, dto, publicBaseUrl(request, this.config));
  }

  /** The seed documents the form without `/api` too. */
  @Put(['api/:repoType/:namespace/:name/settings', ':repoType/:namespace/:name/settings'])
  @Auth({ scope: 'write' })
  @ApiParam(REPO_TYPE_PARAM)
  updateRepoSettings(
    @CurrentUser() user: AuthUser,
    @RepoTypeParam() type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Body() dto: UpdateRepoSettingsDto,
  ): Promise<void> {
    return this.repoService.updateSettings(user, type, namespace, name, dto);
  }

  @Get('api/:repoType/:namespace/:name/lfs/settings')
  @OptionalAuth()
  @ApiParam(REPO_TYPE_PARAM)
  getRepoLfsSettings(
    @CurrentUser() user: AuthUser | undefined,
    @RepoTypeParam() type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
  ): Promise<RepoLfsSettingsDto> {
    return this.repoService.getLfsSettings(user, type, namespace, name);
  }
}
