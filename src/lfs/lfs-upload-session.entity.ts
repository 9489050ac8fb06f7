import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from 'src/auth/user.entity';
import { bigintAsNumber } from 'src/database/transformers';
import { RepoEntity } from 'src/repo/repo.entity';

export const LFS_UPLOAD_TRANSFERS = ['basic', 'multipart'] as const;
export type LfsUploadTransfer = (typeof LFS_UPLOAD_TRANSFERS)[number];

/** `pending`: bytes may still arrive; `verifying`: one request owns the staged bytes and is checking them. */
export const LFS_UPLOAD_STATES = ['pending', 'verifying'] as const;
export type LfsUploadState = (typeof LFS_UPLOAD_STATES)[number];

/**
 * An upload handed out by the batch API and not yet verified. It lives in the database, not in
 * memory, because the signed URLs it issued may be used on any replica. The row disappears when
 * the object is verified or refused, or when the sweeper removes it after it expired.
 */
@Entity('lfs_upload_sessions')
export class LfsUploadSessionEntity {
  /** A UUID; it also names the staging key and appears in the signed URLs. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('ix_lfs_upload_sessions_oid')
  @Column({ type: 'varchar', length: 64 })
  oid!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  size!: number;

  @Column({ type: 'varchar', length: 16 })
  transfer!: LfsUploadTransfer;

  @Column({ type: 'varchar', length: 16 })
  state!: LfsUploadState;

  @Column({ type: 'varchar', length: 255 })
  stagingKey!: string;

  /** The storage's multipart upload id (S3 ids are long opaque strings). */
  @Column({ type: 'varchar', length: 1024, nullable: true })
  multipartUploadId!: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  chunkSize!: number | null;

  @Column({ type: 'integer', nullable: true })
  partCount!: number | null;

  /** Kept for accounting; set to null, not cascaded, so a deleted repository cannot orphan staged bytes. */
  @Column({ type: 'integer', nullable: true })
  repoId!: number | null;

  @ManyToOne(() => RepoEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'repo_id' })
  repo?: RepoEntity;

  @Column({ type: 'integer', nullable: true })
  userId!: number | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Index('ix_lfs_upload_sessions_expires_at')
  @Column({ type: Date })
  expiresAt!: Date;

  @CreateDateColumn()
  createdAt!: Date;
}
