import { Injectable, Optional } from '@nestjs/common';
import { BadRequestError } from 'src/common/errors/hub-error';
import { namespaceNameProblem, normalizeName } from 'src/auth/names';
import { RepoNameRegistry, RepoNameType, repoNameProblem } from 'src/auth/repo-name-registry';
import { UserRepository } from 'src/auth/user.repository';
import { CheckNameDto, CheckNameResponseDto } from 'src/auth/validate.dto';

function unavailable(
  normalizedName: string,
  message: string,
  conflictWith: string | null = null,
): CheckNameResponseDto {
  return { available: false, normalized_name: normalizedName, conflict_with: conflictWith, message };
}

/**
 * Tells whether a name could be taken, before a form is submitted. Invalid names are answered
 * with `available: false` and the reason, not with an error, so a form can show it as is.
 */
@Injectable()
export class ValidateService {
  constructor(
    private readonly users: UserRepository,
    /** Provided by the repo module; without it, repository names are judged on their form and namespace only. */
    @Optional() private readonly repoNames?: RepoNameRegistry,
  ) {}

  async checkName(dto: CheckNameDto): Promise<CheckNameResponseDto> {
    if (dto.namespace !== undefined) {
      return this.checkRepoName(dto.namespace, dto.type ?? 'model', dto.name);
    }
    if (dto.type !== undefined) {
      throw new BadRequestError('type applies to repository names: send the namespace the repository would live in');
    }
    return this.checkNamespaceName(dto.name);
  }

  private async checkNamespaceName(name: string): Promise<CheckNameResponseDto> {
    const normalized = normalizeName(name);
    const problem = namespaceNameProblem(name);
    if (problem) {
      return unavailable(normalized, `Name ${problem}`);
    }
    // Deactivated accounts keep their name, so they are looked up too.
    const existing = await this.users.findByName(name);
    if (existing) {
      const kind = existing.isOrg ? 'organization' : 'user';
      return unavailable(
        normalized,
        `Name conflicts with existing ${kind}: ${existing.username} (case-insensitive)`,
        existing.username,
      );
    }
    return { available: true, normalized_name: normalized, conflict_with: null, message: 'Name is available' };
  }

  private async checkRepoName(namespace: string, type: RepoNameType, name: string): Promise<CheckNameResponseDto> {
    const normalized = normalizeName(name);
    const problem = repoNameProblem(name);
    if (problem) {
      return unavailable(normalized, `Repository name ${problem}`);
    }
    const owner = await this.users.findByName(namespace);
    if (!owner || !owner.isActive) {
      return unavailable(normalized, `Namespace ${namespace} does not exist`);
    }
    const conflict = this.repoNames ? await this.repoNames.findConflict(owner.username, type, normalized) : null;
    if (conflict !== null) {
      return unavailable(
        normalized,
        `Repository name conflicts with existing repository: ${conflict} (case-insensitive)`,
        `${owner.username}/${conflict}`,
      );
    }
    return {
      available: true,
      normalized_name: normalized,
      conflict_with: null,
      message: 'Repository name is available',
    };
  }
}
