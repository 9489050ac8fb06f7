import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { OrgMembershipEntity, OrgRole } from 'src/auth/org-membership.entity';
import { isUniqueViolation } from 'src/database/unique-violation';

/** How a guarded change to a membership ended. */
export type GuardedMembershipChange = 'done' | 'not-member' | 'last-admin';

/** SQLite reports `SQLITE_CONSTRAINT_UNIQUE`, Postgres SQLSTATE 23505. */
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

  /** An organisation's memberships with their users loaded, oldest first. */
  listForOrg(orgId: number): Promise<OrgMembershipEntity[]> {
    return this.memberships.find({
      where: { orgId },
      relations: { user: true },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  countForOrg(orgId: number): Promise<number> {
    return this.memberships.countBy({ orgId });
  }

  /** Returns false, instead of throwing, when the user already belongs to the organisation. */
  async insert(orgId: number, userId: number, role: OrgRole): Promise<boolean> {
    try {
      await this.memberships.insert({ orgId, userId, role });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) {
        return false;
      }
      throw error;
    }
  }

  /** Removes a membership unless it is the organisation's last `admin`. */
  removeUnlessLastAdmin(orgId: number, userId: number): Promise<GuardedMembershipChange> {
    return this.guardLastAdmin(orgId, userId, (manager) =>
      manager
        .createQueryBuilder()
        .delete()
        .from(OrgMembershipEntity)
        .where('org_id = :orgId AND user_id = :userId', { orgId, userId })
        .andWhere(KEEPS_AN_ADMIN, { orgId, admin: 'admin' })
        .execute(),
    );
  }

  /** Changes a member's role unless that would leave the organisation without an `admin`. */
  changeRoleUnlessLastAdmin(orgId: number, userId: number, role: OrgRole): Promise<GuardedMembershipChange> {
    return this.guardLastAdmin(orgId, userId, (manager) => {
      const update = manager
        .createQueryBuilder()
        .update(OrgMembershipEntity)
        .set({ role })
        .where('org_id = :orgId AND user_id = :userId', { orgId, userId });
      return (role === 'admin' ? update : update.andWhere(KEEPS_AN_ADMIN, { orgId, admin: 'admin' })).execute();
    });
  }

  /**
   * Runs a single conditional statement that refuses to remove the last admin. On SQLite one
   * statement is atomic (a single writer) and a transaction would not help: TypeORM shares one
   * connection among all requests there. On Postgres, two such statements under READ COMMITTED
   * could each still count the other's admin, so the organisation's membership rows are first
   * locked `FOR UPDATE`; the second caller then waits and re-counts after the first commits.
   */
  private async guardLastAdmin(
    orgId: number,
    userId: number,
    change: (manager: EntityManager) => Promise<{ affected?: number | null }>,
  ): Promise<GuardedMembershipChange> {
    const manager = this.memberships.manager;
    const result =
      manager.connection.options.type === 'postgres'
        ? await manager.transaction(async (transaction) => {
            await transaction.query('SELECT id FROM org_memberships WHERE org_id = $1 FOR UPDATE', [orgId]);
            return change(transaction);
          })
        : await change(manager);
    if ((result.affected ?? 0) > 0) {
      return 'done';
    }
    return (await this.findOne(orgId, userId)) ? 'last-admin' : 'not-member';
  }
}

/** True for rows that are not admins, or when the organisation has another admin left. */
const KEEPS_AN_ADMIN =
  '(role <> :admin OR (SELECT COUNT(*) FROM org_memberships others WHERE others.org_id = :orgId AND others.role = :admin) > 1)';
