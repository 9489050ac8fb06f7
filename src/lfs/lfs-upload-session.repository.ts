import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, Repository } from 'typeorm';
import { LfsUploadSessionEntity } from 'src/lfs/lfs-upload-session.entity';

export type NewLfsUploadSession = Omit<LfsUploadSessionEntity, 'createdAt' | 'state' | 'repo' | 'user'>;

@Injectable()
export class LfsUploadSessionRepository {
  constructor(
    @InjectRepository(LfsUploadSessionEntity) private readonly sessions: Repository<LfsUploadSessionEntity>,
  ) {}

  async insert(fields: NewLfsUploadSession): Promise<void> {
    await this.sessions.insert({ ...fields, state: 'pending' });
  }

  /** The session while it has not expired. */
  findLive(id: string, now: Date): Promise<LfsUploadSessionEntity | null> {
    return this.sessions.findOneBy({ id, expiresAt: MoreThan(now) });
  }

  /** Live single-PUT uploads of `oid` that nobody is verifying: candidates whose bytes may already sit in staging. */
  findPendingBasic(oid: string, now: Date): Promise<LfsUploadSessionEntity[]> {
    return this.sessions.find({
      where: { oid, transfer: 'basic', state: 'pending', expiresAt: MoreThan(now) },
      order: { createdAt: 'DESC' },
      take: 20,
    });
  }

  /**
   * Takes exclusive ownership of a live, pending session's staged bytes with one conditional
   * UPDATE, so exactly one request (on any replica) writes or verifies them.
   */
  async claim(id: string, now: Date): Promise<boolean> {
    const result = await this.sessions.update(
      { id, state: 'pending', expiresAt: MoreThan(now) },
      { state: 'verifying' },
    );
    return (result.affected ?? 0) === 1;
  }

  /** Gives a claimed session back, e.g. after the client dropped the connection, so a retry can proceed. */
  async release(id: string): Promise<void> {
    await this.sessions.update({ id, state: 'verifying' }, { state: 'pending' });
  }

  /** True when this call removed the row (and so owns the cleanup of what it pointed to). */
  async delete(id: string): Promise<boolean> {
    const result = await this.sessions.delete({ id });
    return (result.affected ?? 0) === 1;
  }

  /** Sessions that expired before `cutoff`, oldest first. */
  findExpiredBefore(cutoff: Date, limit: number): Promise<LfsUploadSessionEntity[]> {
    return this.sessions.find({ where: { expiresAt: LessThan(cutoff) }, order: { expiresAt: 'ASC' }, take: limit });
  }
}
