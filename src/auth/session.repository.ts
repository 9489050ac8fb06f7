import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository } from 'typeorm';
import { SessionEntity } from 'src/auth/session.entity';

@Injectable()
export class SessionRepository {
  constructor(@InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>) {}

  insert(fields: Pick<SessionEntity, 'userId' | 'expiresAt' | 'userAgent'>): Promise<SessionEntity> {
    return this.sessions.save(this.sessions.create({ ...fields, revokedAt: null, lastSeenAt: null }));
  }

  findById(id: number): Promise<SessionEntity | null> {
    return this.sessions.findOneBy({ id });
  }

  /** The session with its user loaded, whatever its state; callers judge revocation and expiry. */
  findWithUser(id: number): Promise<SessionEntity | null> {
    return this.sessions.findOne({ where: { id }, relations: { user: true } });
  }

  /** Records activity with one conditional UPDATE, so a busy session writes at most once per `cutoff` interval. */
  async touch(id: number, now: Date, cutoff: Date): Promise<void> {
    await this.sessions
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ lastSeenAt: now })
      .where('id = :id', { id })
      .andWhere('(last_seen_at IS NULL OR last_seen_at < :cutoff)', { cutoff })
      .execute();
  }

  async revoke(id: number, now: Date): Promise<void> {
    await this.sessions.update({ id, revokedAt: IsNull() }, { revokedAt: now });
  }

  /** Revokes every live session of a user except `keepId`; returns how many were revoked. */
  async revokeAllOfUser(userId: number, now: Date, keepId?: number): Promise<number> {
    const result = await this.sessions.update(
      keepId === undefined ? { userId, revokedAt: IsNull() } : { userId, revokedAt: IsNull(), id: Not(keepId) },
      { revokedAt: now },
    );
    return result.affected ?? 0;
  }
}
