import { Body, Controller, Delete, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { publicBaseUrl } from 'src/auth/public-url';
import { AuthUser } from 'src/common/auth-user';
import { Auth } from 'src/common/decorators/auth.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { HubConfig } from 'src/config/hub-config';
import { RepoTypeParam } from 'src/repo/repo-type.pipe';
import { RepoType } from 'src/repo/repo-types';
import { REPO_TYPE_PARAM } from 'src/commit/commit.controller';
import { CreateBranchDto, CreateTagDto, SuperSquashDto, SuperSquashResponseDto } from 'src/commit/refs.dto';
import { RefsService } from 'src/commit/refs.service';
import { wildcardParam } from 'src/commit/wildcard-param';

const BRANCH_PARAM = { name: 'branch', type: String, description: 'Percent-encoded when it holds "/"' };
const TAG_PARAM = { name: 'tag', type: String };

/** Branches, tags and squash; names may hold "/" (sent as %2F by the clients, or raw). */
@ApiTags('refs')
@Controller('api/:repoType/:namespace/:name')
export class RefsController {
  constructor(
    private readonly refsService: RefsService,
    private readonly config: HubConfig,
  ) {}

  @Post('branch/*branch')
  @HttpCode(200)
  @Auth({ scope: 'write' })
  @ApiParam(REPO_TYPE_PARAM)
  @ApiParam(BRANCH_PARAM)
  createBranch(
    @CurrentUser() user: AuthUser,
    @RepoTypeParam() type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Param('branch') branch: string | string[],
    @Body() dto: CreateBranchDto,
  ): Promise<void> {
    return this.refsService.createBranch(user, { type, namespace, name }, wildcardParam(branch), dto);
  }

  @Delete('branch/*branch')
  @Auth({ scope: 'write' })
  @ApiParam(REPO_TYPE_PARAM)
  @ApiParam(BRANCH_PARAM)
  deleteBranch(
    @CurrentUser() user: AuthUser,
    @RepoTypeParam() type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Param('branch') branch: string | string[],
  ): Promise<void> {
    return this.refsService.deleteBranch(user, { type, namespace, name }, wildcardParam(branch));
  }

  /** Tags the commit `revision` names (a branch, tag or commit id). */
  @Post('tag/*revision')
  @HttpCode(200)
  @Auth({ scope: 'write' })
  @ApiParam(REPO_TYPE_PARAM)
  @ApiParam({ name: 'revision', type: String })
  createTag(
    @CurrentUser() user: AuthUser,
    @RepoTypeParam() type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Param('revision') revision: string | string[],
    @Body() dto: CreateTagDto,
  ): Promise<void> {
    return this.refsService.createTag(user, { type, namespace, name }, wildcardParam(revision), dto);
  }

  @Delete('tag/*tag')
  @Auth({ scope: 'write' })
  @ApiParam(REPO_TYPE_PARAM)
  @ApiParam(TAG_PARAM)
  deleteTag(
    @CurrentUser() user: AuthUser,
    @RepoTypeParam() type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Param('tag') tag: string | string[],
  ): Promise<void> {
    return this.refsService.deleteTag(user, { type, namespace, name }, wildcardParam(tag));
  }

  @Post('super-squash/*branch')
  @HttpCode(200)
  @Auth({ scope: 'write' })
  @ApiParam(REPO_TYPE_PARAM)
  @ApiParam(BRANCH_PARAM)
  @ApiOkResponse({ type: SuperSquashResponseDto })
  superSquash(
    @CurrentUser() user: AuthUser,
    @RepoTypeParam() type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Param('branch') branch: string | string[],
    @Body() dto: SuperSquashDto,
    @Req() request: Request,
  ): Promise<SuperSquashResponseDto> {
    return this.refsService.superSquash(
      user,
      { type, namespace, name },
      wildcardParam(branch),
      dto,
      publicBaseUrl(request, this.config),
    );
  }
}
