import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { InvitationEntity } from 'src/org/invitation.entity';

export type NewInvitation = Pick<
  InvitationEntity,
  'tokenHash' | 'tokenPrefix' | 'action' | 'orgId' | 'role' | 'email' | 'maxUses' | 'createdById' | 'expiresAt'
>;

@Injectable()
export class InvitationRepository {
  constructor(@InjectRepository(InvitationEntity) private readonly invitations: Repository<InvitationEntity>) {}

  async insert(fields: NewInvitation): Promise<InvitationEntity> {
    return this.invitations.save(this.invitations.create({ ...fields, usedCount: 0 }));
  }

  /** With the organisation and the inviter loaded. */
  findByTokenHash(tokenHash: string): Promise<InvitationEntity | null> {
    return this.invitations.findOne({ where: { tokenHash }, relations: { org: true, createdBy: true } });
  }

  findById(id: number): Promise<InvitationEntity | null> {
    return this.invitations.findOne({ where: { id }, relations: { org: true, createdBy: true } });
  }

  /** Newest first, with the inviter loaded. */
  listForOrg(orgId: number): Promise<InvitationEntity[]> {
    return this.invitations.find({
      where: { orgId },
      relations: { createdBy: true },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  /**
   * Takes one use, atomically: a single conditional UPDATE whose affected-row count decides, so
   * concurrent accepts of a single-use invitation cannot both succeed on either engine.
   */
  async consumeOne(id: number, now: Date): Promise<boolean> {
    const result = await this.invitations
      .createQueryBuilder()
      .update(InvitationEntity)
      .set({ usedCount: () => 'used_count + 1', lastUsedAt: now })
      .where('id = :id', { id })
      .andWhere('(max_uses IS NULL OR used_count < max_uses)')
      .andWhere('expires_at > :now', { now })
      .andWhere('cancelled_at IS NULL')
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Gives back a use taken by `consumeOne` when what it was taken for did not happen. */
  async releaseOne(id: number): Promise<void> {
    await this.invitations
      .createQueryBuilder()
      .update(InvitationEntity)
      .set({ usedCount: () => 'used_count - 1' })
      .where('id = :id AND used_count > 0', { id })
      .execute();
  }

  /** Returns false when it was already cancelled. */
  async cancel(id: number, now: Date): Promise<boolean> {
    const result = await this.invitations
      .createQueryBuilder()
      .update(InvitationEntity)
      .set({ cancelledAt: now })
      .where('id = :id AND cancelled_at IS NULL', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
