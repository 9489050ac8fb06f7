import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity } from 'src/auth/user.entity';

@Injectable()
export class AvatarRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /** How many users and organisations show the avatar stored under this content hash. */
  countOwnersOf(hash: string): Promise<number> {
    return this.users.countBy({ avatarHash: hash });
  }
}
