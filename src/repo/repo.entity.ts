import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { UserEntity } from 'src/auth/user.entity';
import { bigintAsNumber } from 'src/database/transformers';
import { GatedMode, RepoType } from 'src/repo/repo-types';

/**
 * A repository. Its versions live in the bare git repository named by `storageId` (immutable),
 * so renames and transfers only touch this row (architecture D1).
 */
@Entity('repos')
@Index('uq_repos_type_owner_name', ['type', 'ownerId', 'normalizedName'], { unique: true })
@Index('ix_repos_type_downloads', ['type', 'downloads'])
@Index('ix_repos_type_likes', ['type', 'likes'])
@Index('ix_repos_type_trending_score', ['type', 'trendingScore'])
@Index('ix_repos_type_last_modified', ['type', 'lastModified'])
export class RepoEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('uq_repos_storage_id', { unique: true })
  @Column({ type: 'varchar', length: 40 })
  storageId!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: RepoType;

  @Column({ type: 'integer' })
  ownerId!: number;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id' })
  owner?: UserEntity;

  @Column({ type: 'varchar', length: 96 })
  name!: string;

  /** Lower-case with `-` folded to `_`: names equal here may not coexist in one namespace. */
  @Column({ type: 'varchar', length: 96 })
  normalizedName!: string;

  @Column({ type: 'integer', nullable: true })
  creatorId!: number | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'creator_id' })
  creator?: UserEntity;

  @Column({ type: 'boolean', default: false })
  isPrivate!: boolean;

  @Column({ type: 'varchar', length: 16, nullable: true })
  gated!: GatedMode | null;

  @Column({ type: 'boolean', default: false })
  isDisabled!: boolean;

  @Column({ type: 'varchar', length: 32, nullable: true })
  sdk!: string | null;

  @Column({ type: 'varchar', length: 255, default: 'main' })
  defaultBranch!: string;

  /** Overrides KOHAKU_HUB_LFS_THRESHOLD_BYTES for this repository when set. */
  @Column({
    type: 'bigint',
    nullable: true,
    transformer: bigintAsNumber,
  })
  lfsThresholdBytes!: number | null;

  /** JSON array of file suffixes (".safetensors") always stored with LFS, on top of the server defaults. */
  @Column({ type: 'text', nullable: true })
  lfsSuffixRules!: string | null;

  @Column({ type: 'integer', default: 0 })
  downloads!: number;

  @Column({ type: 'integer', default: 0 })
  likes!: number;

  /**
   * The columns below are the repository's card index, kept by `RepoCardIndexer` (src/repo-info)
   * from the default branch head so that listings filter and sort in SQL.
   * `lastModified` is the head commit's date; a new repository starts at its creation time.
   */
  @Column({ type: Date, default: () => 'CURRENT_TIMESTAMP' })
  lastModified!: Date;

  /** The commit the card index was computed from; null until the first indexing. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  cardSha!: string | null;

  /** The README's YAML front matter as JSON, or null when it has none. */
  @Column({ type: 'text', nullable: true })
  cardData!: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  pipelineTag!: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  libraryName!: string | null;

  /** Bytes of the distinct blobs and LFS objects the default branch head references. */
  @Column({ type: 'bigint', default: 0, transformer: bigintAsNumber })
  usedStorage!: number;

  /** Filled by download statistics; listings sort `trending` by it. */
  @Column({ type: 'integer', default: 0 })
  trendingScore!: number;

  @CreateDateColumn()
  createdAt!: Date;

  @UpdateDateColumn()
  updatedAt!: Date;
}
