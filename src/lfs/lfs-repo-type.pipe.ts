import { PipeTransform } from '@nestjs/common';
import { NotFoundError } from 'src/common/errors/hub-error';
import { RepoType, repoTypeFromSegment } from 'src/repo/repo-types';

/**
 * The optional type segment of an LFS route: absent for models (`/{ns}/{name}.git/…`), otherwise
 * `datasets` or `spaces` (or `models` in the `/api/` form). Anything else is a route that does not exist.
 */
export class LfsRepoTypePipe implements PipeTransform<string | undefined, RepoType> {
  transform(segment: string | undefined): RepoType {
    if (segment === undefined) {
      return 'model';
    }
    const type = repoTypeFromSegment(segment);
    if (type === undefined) {
      throw new NotFoundError('Not found');
    }
    return type;
  }
}
