import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Request } from 'express';
import { NotFoundError } from 'src/common/errors/hub-error';
import { RepoType, repoTypeFromSegment } from 'src/repo/repo-types';

/**
 * The repository type named by the literal segment after `/api/` (`/api/models/…` → `model`).
 * Info and listing routes spell their type segment out instead of using a `:repoType` parameter,
 * because a parameter there would also capture `/api/users/…`, `/api/user/keys/…` and the like.
 */
export const ApiRepoType = createParamDecorator((_data: unknown, context: ExecutionContext): RepoType => {
  const segment = context.switchToHttp().getRequest<Request>().path.split('/')[2] ?? '';
  const type = repoTypeFromSegment(segment);
  if (type === undefined) {
    throw new NotFoundError('Not found');
  }
  return type;
});
