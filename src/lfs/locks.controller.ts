import {
  applyDecorators,
  Body,
  Controller,
  createParamDecorator,
  ExecutionContext,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseFilters,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Request, Response } from 'express';
import { AuthUser } from 'src/common/auth-user';
import { Auth, OptionalAuth } from 'src/common/decorators/auth.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { LFS_MEDIA_TYPE } from 'src/lfs/lfs.dto';
import { LfsExceptionFilter } from 'src/lfs/lfs-exception.filter';
import { LfsRepoTarget } from 'src/lfs/lfs-repo-lookup';
import { LfsRepoTypePipe } from 'src/lfs/lfs-repo-type.pipe';
import {
  CreateLfsLockDto,
  LfsLockConflictDto,
  LfsLockResponseDto,
  ListLfsLocksQueryDto,
  ListLfsLocksResponseDto,
  UnlockLfsLockDto,
  VerifyLfsLocksDto,
  VerifyLfsLocksResponseDto,
} from 'src/lfs/locks.dto';
import { LfsLockExistsError, LfsLocksService } from 'src/lfs/locks.service';

/** git-lfs derives `{remote}.git/info/lfs` from the clone URL, with or without `.git` (hf-protocol §1.1). */
function lockPaths(tail: string): string[] {
  return [`:namespace/:name.git/info/lfs/${tail}`, `:repoType/:namespace/:name.git/info/lfs/${tail}`];
}

const REPO_TYPE_PARAM = { name: 'repoType', enum: ['datasets', 'spaces'], description: 'absent for models' };
const repoTypePipe = new LfsRepoTypePipe();

/**
 * A locks route: the two URL forms of `tail`, LFS media type in and out, and the path parameters
 * that `LockTarget` reads (declared here because a custom parameter decorator is invisible to Swagger).
 */
function LockRoute(
  method: typeof Get | typeof Post,
  tail: string,
  options: { isWrite: boolean; hasBody: boolean },
): MethodDecorator {
  return applyDecorators(
    method(lockPaths(tail)),
    options.isWrite ? Auth({ scope: 'write' }) : OptionalAuth(),
    Header('Content-Type', LFS_MEDIA_TYPE),
    ApiParam(REPO_TYPE_PARAM),
    ApiParam({ name: 'namespace', type: String }),
    ApiParam({ name: 'name', type: String }),
    ...(options.hasBody ? [ApiConsumes(LFS_MEDIA_TYPE)] : []),
    ApiProduces(LFS_MEDIA_TYPE),
  );
}

/** The repository the route names; an unknown type segment is a route that does not exist (404). */
const LockTarget = createParamDecorator((_data: unknown, context: ExecutionContext): LfsRepoTarget => {
  const { params } = context
    .switchToHttp()
    .getRequest<Request<{ repoType?: string; namespace: string; name: string }>>();
  return { type: repoTypePipe.transform(params.repoType), namespace: params.namespace, name: params.name };
});

@ApiTags('lfs')
@Controller()
@UseFilters(LfsExceptionFilter)
export class LfsLocksController {
  constructor(private readonly locks: LfsLocksService) {}

  /** 201 with the new lock; 409 with the lock in the way when the path is already locked. */
  @LockRoute(Post, 'locks', { isWrite: true, hasBody: true })
  @ApiCreatedResponse({ type: LfsLockResponseDto })
  @ApiConflictResponse({ type: LfsLockConflictDto })
  async createLfsLock(
    @CurrentUser() user: AuthUser,
    @LockTarget() target: LfsRepoTarget,
    @Body() body: CreateLfsLockDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LfsLockResponseDto | LfsLockConflictDto> {
    try {
      const lock = await this.locks.createLock(user, target, body);
      response.status(201);
      return { lock };
    } catch (error) {
      // The protocol's 409 carries the existing lock, which the error renderer has no place for.
      if (error instanceof LfsLockExistsError) {
        response.status(409);
        return { lock: error.lock, message: error.message };
      }
      throw error;
    }
  }

  @LockRoute(Get, 'locks', { isWrite: false, hasBody: false })
  @ApiOkResponse({ type: ListLfsLocksResponseDto })
  listLfsLocks(
    @CurrentUser() user: AuthUser | undefined,
    @LockTarget() target: LfsRepoTarget,
    @Query() query: ListLfsLocksQueryDto,
  ): Promise<ListLfsLocksResponseDto> {
    return this.locks.listLocks(user, target, query);
  }

  /** Called by git-lfs before a push: locks split into the caller's (`ours`) and everyone else's (`theirs`). */
  @LockRoute(Post, 'locks/verify', { isWrite: true, hasBody: true })
  @HttpCode(200)
  @ApiOkResponse({ type: VerifyLfsLocksResponseDto })
  verifyLfsLocks(
    @CurrentUser() user: AuthUser,
    @LockTarget() target: LfsRepoTarget,
    @Body() body: VerifyLfsLocksDto,
  ): Promise<VerifyLfsLocksResponseDto> {
    return this.locks.verifyLocks(user, target, body);
  }

  @LockRoute(Post, 'locks/:id/unlock', { isWrite: true, hasBody: true })
  @HttpCode(200)
  @ApiOkResponse({ type: LfsLockResponseDto })
  async unlockLfsLock(
    @CurrentUser() user: AuthUser,
    @LockTarget() target: LfsRepoTarget,
    @Param('id') id: string,
    @Body() body: UnlockLfsLockDto,
  ): Promise<LfsLockResponseDto> {
    return { lock: await this.locks.unlock(user, target, id, body) };
  }
}
