import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from 'src/auth/user.entity';
import { RepoEntity } from 'src/repo/repo.entity';

/**
 * A git-lfs file lock (git-lfs docs/api/locking.md): one path of a repository reserved by one
 * account. At most one lock per path; the unique index settles two users locking at once.
 */
@Entity('lfs_locks')
@Index('uq_lfs_locks_repo_path', ['repoId', 'path'], { unique: true })
export class LfsLockEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  repoId!: number;

  @ManyToOne(() => RepoEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'repo_id' })
  repo?: RepoEntity;

  /** Repository-relative, `/`-separated, as git-lfs sends it. */
  @Column({ type: 'text' })
  path!: string;

  /** The ref the client named when locking (`refs/heads/main`), if any; informational. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  refName!: string | null;

  @Index('ix_lfs_locks_owner')
  @Column({ type: 'integer' })
  ownerId!: number;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id' })
  owner?: UserEntity;

  @CreateDateColumn()
  createdAt!: Date;
}
