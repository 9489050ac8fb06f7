import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { publicBaseUrl } from 'src/auth/public-url';
import { AuthUser } from 'src/common/auth-user';
import { OptionalAuth } from 'src/common/decorators/auth.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { HubConfig } from 'src/config/hub-config';
import { RepoTypeParam } from 'src/repo/repo-type.pipe';
import { RepoType } from 'src/repo/repo-types';
import {
  CommitEntryDto,
  CommitsQueryDto,
  PathsInfoDto,
  RefsQueryDto,
  RefsResponseDto,
  TreeEntryDto,
  TreeQueryDto,
} from 'src/browse/browse.dto';
import { HistoryService } from 'src/browse/history.service';
import { sendPage } from 'src/browse/page-cursor';
import { routeSegments } from 'src/browse/revision-path';
import { TreeService } from 'src/browse/tree.service';

const REPO_TYPE_PARAM = { name: 'repoType', enum: ['models', 'datasets', 'spaces'] };
const REVISION_PARAM = {
  name: 'revision',
  type: String,
  description: 'Branch, tag, commit id, `HEAD` or `refs/pr/<N>`; percent-encoded or raw',
};
const LINK_HEADER = {
  name: 'Link',
  description: '`<absolute URL of the next page>; rel="next"` while there are more pages',
};

/** Reading a repository's files and history: tree, paths-info, refs and commits (all ○). */
@ApiTags('browse')
@Controller('api/:repoType/:namespace/:name')
export class BrowseController {
  constructor(
    private readonly treeService: TreeService,
    private readonly historyService: HistoryService,
    private readonly config: HubConfig,
  ) {}

  /** Direct children of a folder (or everything below it with `recursive`), paginated with `Link`. */
  @Get('tree/*revisionAndPath')
  @OptionalAuth()
  @ApiParam(REPO_TYPE_PARAM)
  @ApiParam({ name: 'revisionAndPath', type: String, description: '`<revision>` or `<revision>/<folder path>`' })
  @ApiOkResponse({ type: [TreeEntryDto], headers: { Link: LINK_HEADER } })
  async listRepoTree(
    @CurrentUser() user: AuthUser | undefined,
    @RepoTypeParam() type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Param('revisionAndPath') revisionAndPath: string | string[],
    @Query() query: TreeQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TreeEntryDto[]> {
    const page = await this.treeService.listTree(
      user,
      { type, namespace, name },
      routeSegments(revisionAndPath),
      query,
    );
    return sendPage(request, response, this.config, page);
  }

  /** Entries for the given paths (form-encoded or JSON body); paths that do not exist are left out. */
  @Post('paths-info/*revision')
  @HttpCode(200)
  @OptionalAuth()
  @ApiParam(REPO_TYPE_PARAM)
  @ApiParam(REVISION_PARAM)
  @ApiOkResponse({ type: [TreeEntryDto] })
  getPathsInfo(
    @CurrentUser() user: AuthUser | undefined,
    @RepoTypeParam() type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Param('revision') revision: string | string[],
    @Body() dto: PathsInfoDto,
  ): Promise<TreeEntryDto[]> {
    return this.treeService.pathsInfo(user, { type, namespace, name }, routeSegments(revision).join('/'), dto);
  }

  @Get('refs')
  @OptionalAuth()
  @ApiParam(REPO_TYPE_PARAM)
  @ApiOkResponse({ type: RefsResponseDto })
  listRepoRefs(
    @CurrentUser() user: AuthUser | undefined,
    @RepoTypeParam() type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Query() query: RefsQueryDto,
  ): Promise<RefsResponseDto> {
    return this.historyService.listRefs(user, { type, namespace, name }, query.include_prs === true);
  }

  /** History of a revision, newest first; `X-Total-Count` holds the number of commits. */
  @Get('commits/*revision')
  @OptionalAuth()
  @ApiParam(REPO_TYPE_PARAM)
  @ApiParam(REVISION_PARAM)
  @ApiOkResponse({
    type: [CommitEntryDto],
    headers: { Link: LINK_HEADER, 'X-Total-Count': { description: 'Commits reachable from the revision' } },
  })
  async listRepoCommits(
    @CurrentUser() user: AuthUser | undefined,
    @RepoTypeParam() type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Param('revision') revision: string | string[],
    @Query() query: CommitsQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CommitEntryDto[]> {
    const page = await this.historyService.listCommits(
      user,
      { type, namespace, name },
      routeSegments(revision).join('/'),
      query,
      publicBaseUrl(request, this.config),
    );
    return sendPage(request, response, this.config, page);
  }
}
