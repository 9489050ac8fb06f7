import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, MoreThanOrEqual, Repository } from 'typeorm';
import { isUniqueViolation } from 'src/database/unique-violation';
import { LfsLockEntity } from 'src/lfs/locks.entity';

export interface LockPage {
  locks: LfsLockEntity[];
  /** The id the next page starts at, when there is one. */
  nextId?: number;
}

@Injectable()
export class LfsLockRepository {
  constructor(@InjectRepository(LfsLockEntity) private readonly locks: Repository<LfsLockEntity>) {}

  /** The new lock, or null when the path is already locked (the unique index decides races). */
  async insert(fields: {
    repoId: number;
    path: string;
    refName: string | null;
    ownerId: number;
  }): Promise<LfsLockEntity | null> {
    try {
      const { identifiers } = await this.locks.insert(fields);
      return this.findById(fields.repoId, Number(identifiers[0].id));
    } catch (error) {
      if (isUniqueViolation(error)) {
        return null;
      }
      throw error;
    }
  }

  findById(repoId: number, id: number): Promise<LfsLockEntity | null> {
    return this.locks.findOne({ where: { repoId, id }, relations: { owner: true } });
  }

  findByPath(repoId: number, path: string): Promise<LfsLockEntity | null> {
    return this.locks.findOne({ where: { repoId, path }, relations: { owner: true } });
  }

  /** Locks of a repository in id order, from `fromId` on, at most `limit` (optionally one path, or one owner). */
  async page(
    repoId: number,
    options: { fromId?: number; limit: number; path?: string; id?: number; ownerId?: number },
  ): Promise<LockPage> {
    const where: FindOptionsWhere<LfsLockEntity> = { repoId };
    if (options.path !== undefined) {
      where.path = options.path;
    }
    if (options.id !== undefined) {
      where.id = options.id;
    } else if (options.fromId !== undefined) {
      where.id = MoreThanOrEqual(options.fromId);
    }
    if (options.ownerId !== undefined) {
      where.ownerId = options.ownerId;
    }
    const found = await this.locks.find({
      where,
      relations: { owner: true },
      order: { id: 'ASC' },
      take: options.limit + 1,
    });
    return found.length > options.limit
      ? { locks: found.slice(0, options.limit), nextId: found[options.limit].id }
      : { locks: found };
  }

  /** True when this call removed the lock (false: someone else removed it first). */
  async delete(id: number): Promise<boolean> {
    const result = await this.locks.delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
