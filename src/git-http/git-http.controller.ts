import {
  Controller,
  createParamDecorator,
  ExecutionContext,
  Get,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { AuthUser } from 'src/common/auth-user';
import { Auth, OptionalAuth } from 'src/common/decorators/auth.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { GitExceptionFilter } from 'src/git-http/git-exception.filter';
import { GitHttpService, GitRepoTarget } from 'src/git-http/git-http.service';
import { RepoType } from 'src/repo/repo-types';

/**
 * Every clone URL form of a repository (hf-protocol §1.1): models at `/{ns}/{name}`, datasets and
 * spaces under their prefix, each with or without `.git`. The type prefixes are literal, so these
 * routes never take a path of another route (`/{ns}/{name}/resolve/…`) for a repository type.
 */
function gitPaths(tail: string): string[] {
  return ['', 'datasets/', 'spaces/'].flatMap((prefix) => [
    `${prefix}:namespace/:name.git/${tail}`,
    `${prefix}:namespace/:name/${tail}`,
  ]);
}

/** Which of `gitPaths` matched: the route pattern Express records on the request. */
function repoTypeOf(request: Request): RepoType {
  const routePath = (request.route as { path?: unknown } | undefined)?.path;
  const pattern = typeof routePath === 'string' ? routePath : '';
  if (pattern.startsWith('/datasets/')) {
    return 'dataset';
  }
  return pattern.startsWith('/spaces/') ? 'space' : 'model';
}

/**
 * The repository the URL names. The name is taken as the URL spells it, `.git` included (the
 * `:name.git` routes leave it out of the parameter), so a rename redirect can rewrite it exactly.
 */
function targetOf(request: Request, namespace: string, name: string): GitRepoTarget {
  const type = repoTypeOf(request);
  const segment = request.path.split('/')[type === 'model' ? 2 : 3];
  let urlName = name;
  try {
    urlName = segment === undefined ? name : decodeURIComponent(segment);
  } catch {
    // A malformed escape cannot have matched a repository route with this name anyway.
  }
  return { type, namespace, name: urlName.toLowerCase() === `${name.toLowerCase()}.git` ? urlName : name };
}

/** The repository the route names (see `targetOf`). */
const GitTarget = createParamDecorator((_data: unknown, context: ExecutionContext): GitRepoTarget => {
  const request = context.switchToHttp().getRequest<Request<{ namespace: string; name: string }>>();
  return targetOf(request, request.params.namespace, request.params.name);
});

/** git smart HTTP (clone, fetch, push); kept out of the OpenAPI document, which is for the JSON API. */
@ApiExcludeController()
@Controller()
@UseFilters(GitExceptionFilter)
export class GitHttpController {
  constructor(private readonly gitHttp: GitHttpService) {}

  @Get(gitPaths('info/refs'))
  @OptionalAuth()
  gitInfoRefs(
    @CurrentUser() user: AuthUser | undefined,
    @GitTarget() target: GitRepoTarget,
    @Query('service') service: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    return this.gitHttp.advertiseRefs(user, target, service, request, response);
  }

  @Get(gitPaths('HEAD'))
  @OptionalAuth()
  gitHead(
    @CurrentUser() user: AuthUser | undefined,
    @GitTarget() target: GitRepoTarget,
    @Res() response: Response,
  ): Promise<void> {
    return this.gitHttp.readHead(user, target, response);
  }

  @Post(gitPaths('git-upload-pack'))
  @OptionalAuth()
  gitUploadPack(
    @CurrentUser() user: AuthUser | undefined,
    @GitTarget() target: GitRepoTarget,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    return this.gitHttp.uploadPack(user, target, request, response);
  }

  @Post(gitPaths('git-receive-pack'))
  @Auth({ scope: 'write' })
  gitReceivePack(
    @CurrentUser() user: AuthUser,
    @GitTarget() target: GitRepoTarget,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    return this.gitHttp.receivePack(user, target, request, response);
  }
}
