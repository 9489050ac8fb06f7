import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from 'src/auth/user.entity';

/** Hugging Face's organisation roles, weakest first. */
export const ORG_ROLES = ['read', 'contributor', 'write', 'admin'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** A user's role in an organisation. Kept beside users so whoami and access checks need no other module. */
@Entity('org_memberships')
@Index('uq_org_memberships_org_user', ['orgId', 'userId'], { unique: true })
export class OrgMembershipEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  orgId!: number;

  @Index('ix_org_memberships_user')
  @Column({ type: 'integer' })
  userId!: number;

  @Column({ type: 'varchar', length: 16 })
  role!: OrgRole;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  org?: UserEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @CreateDateColumn()
  createdAt!: Date;
}
