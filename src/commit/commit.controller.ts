import { Body, Controller, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { publicBaseUrl } from 'src/auth/public-url';
import { AuthUser } from 'src/common/auth-user';
import { Auth } from 'src/common/decorators/auth.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { UnsupportedMediaTypeError } from 'src/common/errors/hub-error';
import { HubConfig } from 'src/config/hub-config';
import { RepoTypeParam } from 'src/repo/repo-type.pipe';
import { RepoType } from 'src/repo/repo-types';
import { CommitQueryDto, CommitResponseDto, PreuploadRequestDto, PreuploadResponseDto } from 'src/commit/commit.dto';
import { CommitService } from 'src/commit/commit.service';
import { PreuploadService } from 'src/commit/preupload.service';
import { wildcardParam } from 'src/commit/wildcard-param';

export const REPO_TYPE_PARAM = { name: 'repoType', enum: ['models', 'datasets', 'spaces'] };
export const REVISION_PARAM = {
  name: 'revision',
  description: 'Branch (percent-encoded when it holds "/"), or `refs/pr/<N>`',
  type: String,
};

@ApiTags('commits')
@Controller()
export class CommitController {
  constructor(
    private readonly commitService: CommitService,
    private readonly preuploadService: PreuploadService,
    private readonly config: HubConfig,
  ) {}

  @Post('api/:repoType/:namespace/:name/preupload/*revision')
  @HttpCode(200)
  @Auth({ scope: 'write' })
  @ApiParam(REPO_TYPE_PARAM)
  @ApiParam(REVISION_PARAM)
  @ApiOkResponse({ type: PreuploadResponseDto })
  preuploadFiles(
    @CurrentUser() user: AuthUser,
    @RepoTypeParam() type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Param('revision') revision: string | string[],
    @Body() dto: PreuploadRequestDto,
  ): Promise<PreuploadResponseDto> {
    return this.preuploadService.preupload(user, type, namespace, name, wildcardParam(revision), dto);
  }

  /** The body is NDJSON (`application/x-ndjson`), read as a stream: `header` first, then one operation per line. */
  @Post('api/:repoType/:namespace/:name/commit/*revision')
  @HttpCode(200)
  @Auth({ scope: 'write' })
  @ApiParam(REPO_TYPE_PARAM)
  @ApiParam(REVISION_PARAM)
  @ApiConsumes('application/x-ndjson')
  @ApiBody({ schema: { type: 'string', description: 'One {"key","value"} JSON object per line' } })
  @ApiOkResponse({ type: CommitResponseDto })
  createCommit(
    @CurrentUser() user: AuthUser,
    @RepoTypeParam() type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Param('revision') revision: string | string[],
    @Query() query: CommitQueryDto,
    @Req() request: Request,
  ): Promise<CommitResponseDto> {
    // A JSON or form body was already consumed by the global parsers: there is nothing left to stream.
    if (request.readableEnded) {
      throw new UnsupportedMediaTypeError('Send the commit payload as application/x-ndjson');
    }
    return this.commitService.commit(
      user,
      type,
      namespace,
      name,
      wildcardParam(revision),
      { createPr: query.create_pr === true },
      request,
      publicBaseUrl(request, this.config),
    );
  }
}
