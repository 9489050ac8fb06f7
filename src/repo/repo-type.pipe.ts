import { Param, PipeTransform } from '@nestjs/common';
import { NotFoundError } from 'src/common/errors/hub-error';
import { RepoType, repoTypeFromSegment } from 'src/repo/repo-types';

/** `models` → `model`, …; any other segment is a route that does not exist. */
export class RepoTypeSegmentPipe implements PipeTransform<string, RepoType> {
  transform(segment: string): RepoType {
    const type = repoTypeFromSegment(segment);
    if (!type) {
      throw new NotFoundError('Not found');
    }
    return type;
  }
}

/** The `:repoType` route segment (`models`, `datasets`, `spaces`) as a `RepoType`. */
export const RepoTypeParam = () => Param('repoType', RepoTypeSegmentPipe);
