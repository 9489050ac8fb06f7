import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from 'src/auth/user.entity';

/** A web login. The session JWT names this row (`sid`), so logging out or changing the password revokes it at once. */
@Entity('sessions')
export class SessionEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('ix_sessions_user')
  @Column({ type: 'integer' })
  userId!: number;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @CreateDateColumn()
  createdAt!: Date;

  @Column({ type: Date })
  expiresAt!: Date;

  @Column({ type: Date, nullable: true })
  revokedAt!: Date | null;

  @Column({ type: Date, nullable: true })
  lastSeenAt!: Date | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  userAgent!: string | null;
}
