import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CommitRecordEntity } from 'src/commit/commit-record.entity';
import { LfsObjectRefEntity } from 'src/commit/lfs-object-ref.entity';

export interface NewCommitRecord {
  repoId: number;
  commitSha: string;
  ref: string;
  authorId: number | null;
  username: string;
  summary: string;
  description: string;
  lfsFiles: { path: string; oid: string; size: number }[];
}

/** Rows per insert statement, well below the bind-parameter limits of SQLite and Postgres. */
const INSERT_CHUNK = 200;

@Injectable()
export class CommitRecordRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The commit row and its LFS references, in one transaction. */
  async insert(record: NewCommitRecord): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(CommitRecordEntity, {
        repoId: record.repoId,
        commitSha: record.commitSha,
        ref: record.ref,
        authorId: record.authorId,
        username: record.username,
        summary: record.summary,
        description: record.description,
      });
      const refs = record.lfsFiles.map((file) => ({
        repoId: record.repoId,
        path: file.path,
        oid: file.oid,
        size: file.size,
        commitSha: record.commitSha,
      }));
      for (let start = 0; start < refs.length; start += INSERT_CHUNK) {
        await manager.insert(LfsObjectRefEntity, refs.slice(start, start + INSERT_CHUNK));
      }
    });
  }

  findByCommit(repoId: number, commitSha: string): Promise<CommitRecordEntity | null> {
    return this.dataSource.getRepository(CommitRecordEntity).findOneBy({ repoId, commitSha });
  }

  findLfsRefs(repoId: number, commitSha: string): Promise<LfsObjectRefEntity[]> {
    return this.dataSource
      .getRepository(LfsObjectRefEntity)
      .find({ where: { repoId, commitSha }, order: { id: 'ASC' } });
  }
}
