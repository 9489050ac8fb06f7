import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { RepoRedirectEntity } from 'src/repo/repo-redirect.entity';
import { RepoEntity } from 'src/repo/repo.entity';
import { RepoType } from 'src/repo/repo-types';

@Injectable()
export class RepoRepository {
  constructor(
    @InjectRepository(RepoEntity) private readonly repos: Repository<RepoEntity>,
    @InjectRepository(RepoRedirectEntity) private readonly redirects: Repository<RepoRedirectEntity>,
  ) {}

  findById(id: number): Promise<RepoEntity | null> {
    return this.repos.findOne({ where: { id }, relations: { owner: true } });
  }

  findByName(type: RepoType, ownerId: number, normalizedName: string): Promise<RepoEntity | null> {
    return this.repos.findOne({ where: { type, ownerId, normalizedName }, relations: { owner: true } });
  }

  /**
   * The repository `namespace/name` (both normalised) of `type` with its owner, in one query: the
   * lookup behind every request that names a repository, resolve and HEAD included.
   */
  findByFullName(type: RepoType, normalizedNamespace: string, normalizedName: string): Promise<RepoEntity | null> {
    return this.repos
      .createQueryBuilder('repo')
      .innerJoinAndSelect('repo.owner', 'owner')
      .where('repo.type = :type', { type })
      .andWhere('repo.normalizedName = :normalizedName', { normalizedName })
      .andWhere('owner.normalizedName = :normalizedNamespace', { normalizedNamespace })
      .getOne();
  }

  /** The repository a former `namespace/name` (both normalised) now points to. */
  async findRedirectTarget(type: RepoType, fromNamespace: string, fromName: string): Promise<RepoEntity | null> {
    const redirect = await this.redirects.findOne({ where: { type, fromNamespace, fromName } });
    return redirect ? this.findById(redirect.repoId) : null;
  }

  insert(fields: Omit<Partial<RepoEntity>, 'id'>): Promise<RepoEntity> {
    return this.repos.save(this.repos.create(fields));
  }

  async update(id: number, fields: Partial<RepoEntity>): Promise<void> {
    await this.repos.update({ id }, fields);
  }

  async delete(id: number): Promise<void> {
    await this.repos.delete({ id });
  }

  /**
   * Renames a repository and remembers its former name, in one transaction; a redirect that pointed
   * at the new name (an earlier move the other way) is dropped, since the name is real again.
   */
  async move(
    repoId: number,
    type: RepoType,
    target: { ownerId: number; name: string; normalizedName: string; namespace: string },
    from: { namespace: string; name: string },
  ): Promise<void> {
    await this.repos.manager.transaction(async (manager) => {
      await manager.update(
        RepoEntity,
        { id: repoId },
        {
          ownerId: target.ownerId,
          name: target.name,
          normalizedName: target.normalizedName,
        },
      );
      await manager.delete(RepoRedirectEntity, {
        type,
        fromNamespace: target.namespace,
        fromName: target.normalizedName,
      });
      await manager.delete(RepoRedirectEntity, { type, fromNamespace: from.namespace, fromName: from.name });
      await manager.insert(RepoRedirectEntity, {
        type,
        fromNamespace: from.namespace,
        fromName: from.name,
        repoId,
      });
    });
  }
}
