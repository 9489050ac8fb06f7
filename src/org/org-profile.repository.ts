import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { UserEntity } from 'src/auth/user.entity';

export interface OrganisationProfile {
  description: string | null;
  website: string | null;
}

/**
 * Reads the profile columns an organisation keeps in the shared `users` table (`bio` holds its
 * description), which `NamespaceOwner` leaves out. Writes go through `UsersService.updateProfile`.
 */
@Injectable()
export class OrgProfileRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  async findByIds(ids: number[]): Promise<Map<number, OrganisationProfile>> {
    const rows =
      ids.length === 0
        ? []
        : await this.users.find({
            select: { id: true, bio: true, website: true },
            where: { id: In(ids), isOrg: true },
          });
    return new Map(rows.map((row) => [row.id, { description: row.bio, website: row.website }]));
  }
}
