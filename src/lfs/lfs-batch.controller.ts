import { Body, Controller, Header, HttpCode, Param, Post, Req, UseFilters } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { publicBaseUrl } from 'src/auth/public-url';
import { AuthUser } from 'src/common/auth-user';
import { Auth, OptionalAuth } from 'src/common/decorators/auth.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { HubConfig } from 'src/config/hub-config';
import { RepoType } from 'src/repo/repo-types';
import { LfsBatchService } from 'src/lfs/lfs-batch.service';
import { LFS_MEDIA_TYPE, LfsBatchRequestDto, LfsBatchResponseDto, LfsVerifyRequestDto } from 'src/lfs/lfs.dto';
import { LfsExceptionFilter } from 'src/lfs/lfs-exception.filter';
import { LfsRepoTypePipe } from 'src/lfs/lfs-repo-type.pipe';

/**
 * Every URL form of a repository's LFS endpoint: git-lfs derives `{remote}.git/info/lfs` from the
 * clone URL (models have no prefix, hf-protocol §1.1), and the seed also lists `/api/{id}.git/…`.
 * The `/api/{ns}/{name}` forms come first: `/api/ns/name.git/…` must not be read as type "api".
 */
function lfsPaths(tail: string): string[] {
  return [
    `api/:namespace/:name.git/info/lfs/${tail}`,
    `api/:repoType/:namespace/:name.git/info/lfs/${tail}`,
    `:namespace/:name.git/info/lfs/${tail}`,
    `:repoType/:namespace/:name.git/info/lfs/${tail}`,
  ];
}

const REPO_TYPE_PARAM = {
  name: 'repoType',
  enum: ['datasets', 'spaces', 'models'],
  description: 'absent for models in the web form',
};

@ApiTags('lfs')
@Controller()
@UseFilters(LfsExceptionFilter)
export class LfsBatchController {
  constructor(
    private readonly batchService: LfsBatchService,
    private readonly config: HubConfig,
  ) {}

  /** Anonymous callers may download from public repositories; uploads need write access (checked per repository). */
  @Post(lfsPaths('objects/batch'))
  @HttpCode(200)
  @OptionalAuth()
  @Header('Content-Type', LFS_MEDIA_TYPE)
  @ApiParam(REPO_TYPE_PARAM)
  @ApiConsumes(LFS_MEDIA_TYPE)
  @ApiProduces(LFS_MEDIA_TYPE)
  @ApiOkResponse({ type: LfsBatchResponseDto })
  lfsBatch(
    @CurrentUser() user: AuthUser | undefined,
    @Param('repoType', LfsRepoTypePipe) type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Body() body: LfsBatchRequestDto,
    @Req() request: Request,
  ): Promise<LfsBatchResponseDto> {
    return this.batchService.batch(user, { type, namespace, name }, body, publicBaseUrl(request, this.config));
  }

  /** 200 once the object is stored and verified; Python and git-lfs call it after an upload. */
  @Post(lfsPaths('verify'))
  @HttpCode(200)
  @Auth({ scope: 'write' })
  @ApiParam(REPO_TYPE_PARAM)
  @ApiConsumes(LFS_MEDIA_TYPE)
  verifyLfsObject(
    @CurrentUser() user: AuthUser,
    @Param('repoType', LfsRepoTypePipe) type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Body() body: LfsVerifyRequestDto,
  ): Promise<void> {
    return this.batchService.verify(user, { type, namespace, name }, body);
  }
}
