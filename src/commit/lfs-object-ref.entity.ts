import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from 'src/database/transformers';
import { RepoEntity } from 'src/repo/repo.entity';

/**
 * An LFS object written at a path by a commit (the seed's LFS object history). Garbage collection
 * keeps every object some row still names; quota accounting sums sizes per repository.
 */
@Entity('lfs_object_refs')
export class LfsObjectRefEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('ix_lfs_object_refs_repo')
  @Column({ type: 'integer' })
  repoId!: number;

  @ManyToOne(() => RepoEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'repo_id' })
  repo?: RepoEntity;

  @Column({ type: 'text' })
  path!: string;

  @Index('ix_lfs_object_refs_oid')
  @Column({ type: 'varchar', length: 64 })
  oid!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  size!: number;

  @Column({ type: 'varchar', length: 64 })
  commitSha!: string;

  @CreateDateColumn()
  createdAt!: Date;
}
