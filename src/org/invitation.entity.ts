import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrgRole } from 'src/auth/org-membership.entity';
import { UserEntity } from 'src/auth/user.entity';

/** What accepting an invitation does; the names are the seed's (KohakuHub's web UI shows them). */
export const INVITATION_ACTIONS = ['join_org', 'register_account'] as const;
export type InvitationAction = (typeof INVITATION_ACTIONS)[number];

/**
 * An invitation to join an organisation, or to create an account when registration is by
 * invitation (optionally joining an organisation too). Only the token's sha256 is stored.
 */
@Entity('invitations')
export class InvitationEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  /** sha256 hex of the token; the token itself is shown once, in the create response. */
  @Index('uq_invitations_token_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  /** The token's first characters, so admins can tell invitations apart in lists. */
  @Column({ type: 'varchar', length: 12 })
  tokenPrefix!: string;

  @Column({ type: 'varchar', length: 32 })
  action!: InvitationAction;

  @Index('ix_invitations_org')
  @Column({ type: 'integer', nullable: true })
  orgId!: number | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  role!: OrgRole | null;

  /** When set, only an account with this (lower-cased) email may use the invitation. */
  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  /** How many times it may be used; null = without limit. */
  @Column({ type: 'integer', nullable: true })
  maxUses!: number | null;

  @Column({ type: 'integer', default: 0 })
  usedCount!: number;

  @Column({ type: 'integer', nullable: true })
  createdById!: number | null;

  @Column({ type: Date })
  expiresAt!: Date;

  @Column({ type: Date, nullable: true })
  cancelledAt!: Date | null;

  @Column({ type: Date, nullable: true })
  lastUsedAt!: Date | null;

  @CreateDateColumn()
  createdAt!: Date;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  org?: UserEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: UserEntity | null;
}
