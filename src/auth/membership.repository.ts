import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { OrgMembershipEntity } from 'src/auth/org-membership.entity';

@Injectable()
export class MembershipRepository {
  constructor(@InjectRepository(OrgMembershipEntity) private readonly memberships: Repository<OrgMembershipEntity>) {}

  findOne(orgId: number, userId: number): Promise<OrgMembershipEntity | null> {
    return this.memberships.findOneBy({ orgId, userId });
  }

  /** A user's memberships with their organisations loaded, oldest first. */
  listForUser(userId: number): Promise<OrgMembershipEntity[]> {
    return this.memberships.find({
      where: { userId },
      relations: { org: true },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }
}
