import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from 'src/auth/user.entity';

/** A user's SSH public key, for git over SSH. A key identifies one account, so its fingerprint is unique site-wide. */
@Entity('ssh_keys')
export class SshKeyEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('ix_ssh_keys_user')
  @Column({ type: 'integer' })
  userId!: number;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  /** One of `SSH_KEY_TYPES`. */
  @Column({ type: 'varchar', length: 32 })
  keyType!: string;

  /** `<type> <base64>`, the key in OpenSSH format without its comment. */
  @Column({ type: 'text' })
  publicKey!: string;

  /** `SHA256:<unpadded base64>` of the key blob, as `ssh-keygen -lf` prints it. */
  @Index('uq_ssh_keys_fingerprint', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  fingerprint!: string;

  @Column({ type: 'varchar', length: 100 })
  title!: string;

  @Column({ type: Date, nullable: true })
  lastUsed!: Date | null;

  @CreateDateColumn()
  createdAt!: Date;
}
