import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity } from 'src/auth/user.entity';
import { normalizeName } from 'src/auth/names';

@Injectable()
export class UserRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findById(id: number): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findByIds(ids: number[]): Promise<UserEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.users.findBy(ids.map((id) => ({ id })));
  }

  /** Users and organisations alike, matched under normalisation. */
  findByName(name: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ normalizedName: normalizeName(name) });
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email: email.toLowerCase() });
  }

  /** Inserts and returns the new row; a unique-constraint race surfaces as the driver's error. */
  insert(fields: Partial<UserEntity> & Pick<UserEntity, 'username'>): Promise<UserEntity> {
    return this.users.save(
      this.users.create({
        ...fields,
        normalizedName: normalizeName(fields.username),
        email: fields.email?.toLowerCase() ?? null,
      }),
    );
  }

  async update(id: number, fields: Partial<UserEntity>): Promise<void> {
    await this.users.update({ id }, fields);
  }

  async delete(id: number): Promise<void> {
    await this.users.delete({ id });
  }
}
