import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from 'src/auth/user.entity';
import { RepoEntity } from 'src/repo/repo.entity';

/**
 * One commit made through the API (NDJSON commit, squash): who made it and where. git keeps the
 * history itself; this row attributes the commit to an account (git only has a name and a no-reply
 * address) and lets quota and statistics work without walking repositories.
 */
@Entity('commits')
@Index('ix_commits_repo_sha', ['repoId', 'commitSha'])
export class CommitRecordEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  repoId!: number;

  @ManyToOne(() => RepoEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'repo_id' })
  repo?: RepoEntity;

  @Column({ type: 'varchar', length: 64 })
  commitSha!: string;

  /** The ref the commit was published on: `refs/heads/<branch>` or `refs/pr/<n>`. */
  @Column({ type: 'varchar', length: 255 })
  ref!: string;

  @Column({ type: 'integer', nullable: true })
  authorId!: number | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_id' })
  author?: UserEntity;

  /** The author's username at commit time; kept when the account is renamed or deleted. */
  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ type: 'text' })
  summary!: string;

  @Column({ type: 'text' })
  description!: string;

  @CreateDateColumn()
  createdAt!: Date;
}
