import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { RepoEntity } from 'src/repo/repo.entity';

/**
 * One tag of a repository's card (its own `tags`, plus `license:…`, the library, the pipeline tag
 * and the other tag-like metadata the Hub folds in). A row per tag lets listings filter with an
 * indexed `EXISTS` instead of scanning card JSON.
 */
@Entity('repo_tags')
@Index('uq_repo_tags_repo_tag', ['repoId', 'tag'], { unique: true })
@Index('ix_repo_tags_tag_repo', ['tag', 'repoId'])
export class RepoTagEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  repoId!: number;

  @ManyToOne(() => RepoEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'repo_id' })
  repo?: RepoEntity;

  @Column({ type: 'varchar', length: 255 })
  tag!: string;
}
