import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from 'src/auth/user.entity';

/** A pending email verification link. The token is kept hashed; the row names the address it proves. */
@Entity('email_verifications')
export class EmailVerificationEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('ix_email_verifications_user')
  @Column({ type: 'integer' })
  userId!: number;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @Index('uq_email_verifications_token_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ type: Date })
  expiresAt!: Date;

  @CreateDateColumn()
  createdAt!: Date;
}
