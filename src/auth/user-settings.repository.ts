import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity } from 'src/auth/user.entity';
import { isUniqueViolation } from 'src/database/unique-violation';

/** SQLite reports `SQLITE_CONSTRAINT_UNIQUE`, Postgres SQLSTATE 23505. */
export type UserSettingsChanges = Partial<Pick<UserEntity, 'fullName' | 'bio' | 'website' | 'email' | 'emailVerified'>>;

@Injectable()
export class UserSettingsRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findById(id: number): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /** The account holding this (lower-case) email address, if any. */
  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email });
  }

  /** Applies the changes; false when the new email was taken by another account in the meantime. */
  async update(id: number, changes: UserSettingsChanges): Promise<boolean> {
    try {
      await this.users.update({ id }, changes);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) {
        return false;
      }
      throw error;
    }
  }
}
