import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { RepoEntity } from 'src/repo/repo.entity';
import { RepoType } from 'src/repo/repo-types';

/** A former `namespace/name` of a moved repository, answered with a redirect to its current name. */
@Entity('repo_redirects')
@Index('uq_repo_redirects_from', ['type', 'fromNamespace', 'fromName'], { unique: true })
export class RepoRedirectEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 16 })
  type!: RepoType;

  /** Normalised (lower-case, `-` → `_`) former namespace. */
  @Column({ type: 'varchar', length: 64 })
  fromNamespace!: string;

  /** Normalised former repository name. */
  @Column({ type: 'varchar', length: 96 })
  fromName!: string;

  @Column({ type: 'integer' })
  repoId!: number;

  @ManyToOne(() => RepoEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'repo_id' })
  repo?: RepoEntity;

  @CreateDateColumn()
  createdAt!: Date;
}
