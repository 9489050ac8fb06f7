import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AccessTokenEntity } from 'src/auth/access-token.entity';

@Injectable()
export class AccessTokenRepository {
  constructor(@InjectRepository(AccessTokenEntity) private readonly tokens: Repository<AccessTokenEntity>) {}

  insert(
    fields: Pick<AccessTokenEntity, 'userId' | 'name' | 'role' | 'tokenHash' | 'displayPrefix' | 'expiresAt'>,
  ): Promise<AccessTokenEntity> {
    return this.tokens.save(this.tokens.create({ ...fields, lastUsedAt: null }));
  }

  /** The token whose secret hashes to `tokenHash`, with its owner loaded. */
  findByHashWithUser(tokenHash: string): Promise<AccessTokenEntity | null> {
    return this.tokens.findOne({ where: { tokenHash }, relations: { user: true } });
  }

  findById(id: number): Promise<AccessTokenEntity | null> {
    return this.tokens.findOneBy({ id });
  }

  listForUser(userId: number): Promise<AccessTokenEntity[]> {
    return this.tokens.find({ where: { userId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /** Deletes the token only when `userId` owns it; false when there was no such token of theirs. */
  async deleteOwned(id: number, userId: number): Promise<boolean> {
    const result = await this.tokens.delete({ id, userId });
    return (result.affected ?? 0) > 0;
  }

  /** Records use with one conditional UPDATE, so a busy token writes at most once per `cutoff` interval. */
  async touch(id: number, now: Date, cutoff: Date): Promise<void> {
    await this.tokens
      .createQueryBuilder()
      .update(AccessTokenEntity)
      .set({ lastUsedAt: now })
      .where('id = :id', { id })
      .andWhere('(last_used_at IS NULL OR last_used_at < :cutoff)', { cutoff })
      .execute();
  }
}
