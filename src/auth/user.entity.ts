import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A namespace owner: a person, or an organisation when `isOrg` is set. Users and organisations
 * share one table (as in the seed) so their names are unique together under `normalizedName`.
 */
@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  /** The name as chosen, with its case; URLs and namespaces use it. */
  @Column({ type: 'varchar', length: 64 })
  username!: string;

  /** Lower-case with `-` folded to `_`: two names equal here may not both exist. */
  @Index('uq_users_normalized_name', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  normalizedName!: string;

  @Column({ type: 'boolean', default: false })
  isOrg!: boolean;

  @Index('uq_users_email', { unique: true })
  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'boolean', default: false })
  emailVerified!: boolean;

  @Column({ type: 'boolean', default: true })
  isActive!: boolean;

  @Column({ type: 'boolean', default: false })
  isAdmin!: boolean;

  @Column({ type: 'varchar', length: 200, nullable: true })
  fullName!: string | null;

  @Column({ type: 'text', nullable: true })
  bio!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  website!: string | null;

  /** Content hash of the processed avatar in blob storage; null when none was uploaded. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  avatarHash!: string | null;

  /** Bumped on password change so older sessions can be told apart. */
  @Column({ type: Date, nullable: true })
  passwordChangedAt!: Date | null;

  @CreateDateColumn()
  createdAt!: Date;

  @UpdateDateColumn()
  updatedAt!: Date;
}
