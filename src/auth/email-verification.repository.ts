import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { EmailVerificationEntity } from 'src/auth/email-verification.entity';

@Injectable()
export class EmailVerificationRepository {
  constructor(
    @InjectRepository(EmailVerificationEntity) private readonly verifications: Repository<EmailVerificationEntity>,
  ) {}

  insert(fields: Pick<EmailVerificationEntity, 'userId' | 'email' | 'tokenHash' | 'expiresAt'>): Promise<void> {
    return this.verifications.insert(fields).then(() => undefined);
  }

  findByHash(tokenHash: string): Promise<EmailVerificationEntity | null> {
    return this.verifications.findOneBy({ tokenHash });
  }

  async deleteForUser(userId: number): Promise<void> {
    await this.verifications.delete({ userId });
  }
}
