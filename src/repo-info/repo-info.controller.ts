import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { publicBaseUrl } from 'src/auth/public-url';
import { AuthUser } from 'src/common/auth-user';
import { OptionalAuth } from 'src/common/decorators/auth.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { wildcardParam } from 'src/commit/wildcard-param';
import { HubConfig } from 'src/config/hub-config';
import { RepoType } from 'src/repo/repo-types';
import { ApiRepoType } from 'src/repo-info/api-repo-type.decorator';
import {
  ListReposQueryDto,
  ListUserReposQueryDto,
  RepoInfoDto,
  RepoInfoQueryDto,
  UserReposDto,
} from 'src/repo-info/repo-info.dto';
import { RepoInfoService } from 'src/repo-info/repo-info.service';
import { RepoListingService } from 'src/repo-info/repo-listing.service';
import { RepoInfoObject } from 'src/repo-info/repo-view';

const INFO_PATHS = ['api/models/:namespace/:name', 'api/datasets/:namespace/:name', 'api/spaces/:namespace/:name'];

/** Repo info and listings (hf-protocol §3.3, §3.4): read-only, open to anonymous callers for public repositories. */
@ApiTags('repos')
@Controller()
export class RepoInfoController {
  constructor(
    private readonly info: RepoInfoService,
    private readonly listing: RepoListingService,
    private readonly config: HubConfig,
  ) {}

  @Get(['api/models', 'api/datasets', 'api/spaces'])
  @OptionalAuth()
  @ApiOkResponse({ type: [RepoInfoDto], description: 'A page; `Link: <…>; rel="next"` points at the next one' })
  async listRepos(
    @CurrentUser() user: AuthUser | undefined,
    @ApiRepoType() type: RepoType,
    @Query() query: ListReposQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RepoInfoObject[]> {
    const page = await this.listing.listRepos(user, type, query);
    if (page.nextCursor !== null) {
      response.setHeader(
        'Link',
        `<${nextPageUrl(request, publicBaseUrl(request, this.config), page.nextCursor)}>; rel="next"`,
      );
    }
    return page.items;
  }

  @Get(INFO_PATHS)
  @OptionalAuth()
  @ApiOkResponse({ type: RepoInfoDto })
  getRepoInfo(
    @CurrentUser() user: AuthUser | undefined,
    @ApiRepoType() type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Query() query: RepoInfoQueryDto,
  ): Promise<RepoInfoObject> {
    return this.info.getRepoInfo(user, type, namespace, name, undefined, query);
  }

  /** `rev` is a branch, tag, full or abbreviated commit id, `refs/pr/N` (raw or `%2F`-encoded) or `HEAD`. */
  @Get(INFO_PATHS.map((path) => `${path}/revision/*revision`))
  @OptionalAuth()
  @ApiParam({ name: 'revision', type: String })
  @ApiOkResponse({ type: RepoInfoDto })
  getRepoRevisionInfo(
    @CurrentUser() user: AuthUser | undefined,
    @ApiRepoType() type: RepoType,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Param('revision') revision: string | string[],
    @Query() query: RepoInfoQueryDto,
  ): Promise<RepoInfoObject> {
    return this.info.getRepoInfo(user, type, namespace, name, wildcardParam(revision), query);
  }

  /** The seed's profile listing: the namespace's models, datasets and spaces the caller may see. */
  @Get('api/users/:username/repos')
  @OptionalAuth()
  @ApiOkResponse({ type: UserReposDto })
  listUserRepos(
    @CurrentUser() user: AuthUser | undefined,
    @Param('username') username: string,
    @Query() query: ListUserReposQueryDto,
  ): Promise<Record<'models' | 'datasets' | 'spaces', RepoInfoObject[]>> {
    return this.listing.listUserRepos(user, username, query);
  }
}

/**
 * The absolute URL of the next page: this request's path and query as the client sent them (repeated
 * and bracketed keys kept), on the public base URL, with `cursor` replaced.
 */
function nextPageUrl(request: Request, baseUrl: string, cursor: string): string {
  const queryStart = request.originalUrl.indexOf('?');
  const params = new URLSearchParams(queryStart < 0 ? '' : request.originalUrl.slice(queryStart + 1));
  params.delete('cursor');
  params.append('cursor', cursor);
  return `${baseUrl}${request.path}?${params.toString()}`;
}
