import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SshKeyEntity } from 'src/auth/ssh-key.entity';
import { isUniqueViolation } from 'src/database/unique-violation';

/** SQLite reports `SQLITE_CONSTRAINT_UNIQUE`, Postgres SQLSTATE 23505. */
export type NewSshKey = Pick<SshKeyEntity, 'userId' | 'keyType' | 'publicKey' | 'fingerprint' | 'title'>;

@Injectable()
export class SshKeyRepository {
  constructor(@InjectRepository(SshKeyEntity) private readonly keys: Repository<SshKeyEntity>) {}

  /** A user's keys, oldest first. */
  listForUser(userId: number): Promise<SshKeyEntity[]> {
    return this.keys.find({ where: { userId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The key only when it belongs to `userId`, so other users' ids look like missing ones. */
  findForUser(userId: number, id: number): Promise<SshKeyEntity | null> {
    return this.keys.findOneBy({ id, userId });
  }

  findByFingerprint(fingerprint: string): Promise<SshKeyEntity | null> {
    return this.keys.findOneBy({ fingerprint });
  }

  /** Inserts the key, or returns null when a key with the same fingerprint was stored first. */
  async insert(key: NewSshKey): Promise<SshKeyEntity | null> {
    try {
      return await this.keys.save(this.keys.create({ ...key, lastUsed: null }));
    } catch (error) {
      if (isUniqueViolation(error)) {
        return null;
      }
      throw error;
    }
  }

  /** Deletes the key if it belongs to `userId`; false when there was none. */
  async deleteForUser(userId: number, id: number): Promise<boolean> {
    const result = await this.keys.delete({ id, userId });
    return (result.affected ?? 0) > 0;
  }
}
