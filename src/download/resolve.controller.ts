import { applyDecorators, Controller, createParamDecorator, ExecutionContext, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { publicBaseUrl } from 'src/auth/public-url';
import { AuthUser } from 'src/common/auth-user';
import { OptionalAuth } from 'src/common/decorators/auth.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { HubConfig } from 'src/config/hub-config';
import { FileAnswer, FileDownloadService, FileHttpRequest } from 'src/download/file-download.service';
import { RepoFileRequest } from 'src/download/repo-file-locator';
import { RepoTypeSegmentPipe } from 'src/repo/repo-type.pipe';

const repoTypeSegmentPipe = new RepoTypeSegmentPipe();
const REPO_TYPE_PARAM = { name: 'repoType', enum: ['models', 'datasets', 'spaces'] };
const TARGET_PARAM = {
  name: 'target',
  type: String,
  description:
    '`<revision>/<path>`: a branch, tag, commit id, `HEAD` or `refs/pr/<N>` (percent-encoded when it holds "/"), then the file path',
};
const FILE_HEADERS = {
  'X-Repo-Commit': { description: 'The commit the revision resolved to' },
  ETag: { description: 'Git blob id, or the sha256 of an LFS file' },
  'X-Linked-Etag': { description: 'LFS files: the sha256 of the content' },
  'X-Linked-Size': { description: 'LFS files: the size of the content' },
};

/** Express routes HEAD through these GET handlers; the service answers it with headers only. */
function fileHttpRequest(request: Request, config: HubConfig): FileHttpRequest {
  return {
    method: request.method,
    rangeHeader: request.headers.range,
    baseUrl: publicBaseUrl(request, config),
    isDispositionWanted: request.query.noContentDisposition !== '1',
    clientIp: request.ip,
    userAgent: request.headers['user-agent'],
  };
}

async function send(response: Response, answer: FileAnswer): Promise<void> {
  response.status(answer.status).set(answer.headers);
  if (answer.body === undefined || Buffer.isBuffer(answer.body)) {
    response.end(answer.body);
    return;
  }
  // A client that hangs up mid-download is not an error of ours; the pipeline closes the source.
  await pipeline(answer.body, response).catch(() => undefined);
}

/** A file route: `:repoType/` typed (`isTyped`) or the models form without it. */
function FileRoute(
  path: string,
  options: { isTyped: boolean; description: string; mayRedirect: boolean },
): MethodDecorator {
  return applyDecorators(
    Get(options.isTyped ? `:repoType/${path}` : path),
    OptionalAuth(),
    ...(options.isTyped ? [ApiParam(REPO_TYPE_PARAM)] : []),
    ApiParam({ name: 'namespace', type: String }),
    ApiParam({ name: 'name', type: String }),
    ApiParam(TARGET_PARAM),
    ApiProduces('application/octet-stream'),
    ...(options.mayRedirect
      ? [
          ApiOkResponse({ description: options.description, headers: FILE_HEADERS }),
          ApiResponse({
            status: 302,
            description: 'LFS file in redirect mode: a short-lived signed URL',
            headers: FILE_HEADERS,
          }),
        ]
      : [ApiOkResponse({ description: options.description })]),
  );
}

/** The file a route names; the models form has no `:repoType` segment. */
const FileTarget = createParamDecorator((_data: unknown, context: ExecutionContext): RepoFileRequest => {
  const { params } = context
    .switchToHttp()
    .getRequest<Request<{ repoType?: string; namespace: string; name: string; target: string[] }>>();
  return {
    type: params.repoType === undefined ? 'model' : repoTypeSegmentPipe.transform(params.repoType),
    namespace: params.namespace,
    name: params.name,
    segments: params.target,
  };
});

/**
 * `HEAD|GET /{datasets/|spaces/}{ns}/{name}/resolve/{rev}/{path}` and `/raw/`. The typed forms are
 * declared first so that `/datasets/...` is never read as a model in a namespace called
 * "datasets" (a reserved name anyway).
 */
@ApiTags('files')
@Controller()
export class ResolveController {
  constructor(
    private readonly downloads: FileDownloadService,
    private readonly config: HubConfig,
  ) {}

  @FileRoute(':namespace/:name/resolve/*target', {
    isTyped: true,
    description: 'The file content (206 for a byte range)',
    mayRedirect: true,
  })
  async resolveFile(
    @CurrentUser() user: AuthUser | undefined,
    @FileTarget() target: RepoFileRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await send(response, await this.downloads.resolve(user, target, fileHttpRequest(request, this.config)));
  }

  @FileRoute(':namespace/:name/resolve/*target', {
    isTyped: false,
    description: 'The file content of a model (206 for a byte range)',
    mayRedirect: true,
  })
  async resolveModelFile(
    @CurrentUser() user: AuthUser | undefined,
    @FileTarget() target: RepoFileRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await send(response, await this.downloads.resolve(user, target, fileHttpRequest(request, this.config)));
  }

  @FileRoute(':namespace/:name/raw/*target', {
    isTyped: true,
    description: 'The git blob as stored (the pointer of an LFS file)',
    mayRedirect: false,
  })
  async getRawFile(
    @CurrentUser() user: AuthUser | undefined,
    @FileTarget() target: RepoFileRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await send(response, await this.downloads.raw(user, target, fileHttpRequest(request, this.config)));
  }

  @FileRoute(':namespace/:name/raw/*target', {
    isTyped: false,
    description: 'The git blob of a model file as stored (the pointer of an LFS file)',
    mayRedirect: false,
  })
  async getRawModelFile(
    @CurrentUser() user: AuthUser | undefined,
    @FileTarget() target: RepoFileRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await send(response, await this.downloads.raw(user, target, fileHttpRequest(request, this.config)));
  }
}
