import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from 'src/auth/user.entity';
import { TokenRole } from 'src/common/auth-user';

/** An API token (`hf_…`). Only the sha256 of the secret is kept; the secret is shown once, at creation. */
@Entity('access_tokens')
export class AccessTokenEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('ix_access_tokens_user')
  @Column({ type: 'integer' })
  userId!: number;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 8 })
  role!: TokenRole;

  /** Lower-case hex sha256 of the whole secret. */
  @Index('uq_access_tokens_token_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  /** The first characters of the secret, so people can tell their tokens apart in a list. */
  @Column({ type: 'varchar', length: 16 })
  displayPrefix!: string;

  @CreateDateColumn()
  createdAt!: Date;

  @Column({ type: Date, nullable: true })
  lastUsedAt!: Date | null;

  @Column({ type: Date, nullable: true })
  expiresAt!: Date | null;
}
