import { Injectable } from '@nestjs/common';
import { RepoNameRegistry, RepoNameType } from 'src/auth/repo-name-registry';
import { UsersService } from 'src/auth/users.service';
import { RepoRepository } from 'src/repo/repo.repository';

/** Answers the name check endpoint from the repository table. */
@Injectable()
export class RepoNameLookup extends RepoNameRegistry {
  constructor(
    private readonly users: UsersService,
    private readonly repos: RepoRepository,
  ) {
    super();
  }

  async findConflict(namespace: string, type: RepoNameType, normalizedName: string): Promise<string | null> {
    const owner = await this.users.findByName(namespace);
    if (!owner) {
      return null;
    }
    return (await this.repos.findByName(type, owner.id, normalizedName))?.name ?? null;
  }
}
