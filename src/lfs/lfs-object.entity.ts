import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from 'src/database/transformers';

/**
 * What holds an object's bytes. `blob`: one object in blob storage at `storageKey`. The Xet issue
 * adds a second kind (a verified Xet file reconstruction) without touching readers, which always
 * ask the registry how to open an oid instead of assuming a path (architecture D9).
 */
export const LFS_BACKENDS = ['blob'] as const;
export type LfsBackend = (typeof LFS_BACKENDS)[number];

/**
 * One LFS object, stored once for every repository that references it (architecture D2). A row
 * with `verifiedAt` set means the server itself computed the content's sha256 and size; only such
 * rows count for deduplication, commits and downloads.
 */
@Entity('lfs_objects')
export class LfsObjectEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('uq_lfs_objects_oid', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  oid!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  size!: number;

  @Column({ type: 'varchar', length: 16 })
  backend!: LfsBackend;

  /** The blob key for the `blob` backend; null for backends that do not keep one object. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  storageKey!: string | null;

  @Column({ type: Date, nullable: true })
  verifiedAt!: Date | null;

  @CreateDateColumn()
  createdAt!: Date;
}
