import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { CommitRecordEntity } from 'src/commit/commit-record.entity';

export interface CommitAuthor {
  username: string;
  /** The account exists and has uploaded an avatar. */
  hasAvatar: boolean;
}

/** Rows per query, well below the bind-parameter limits of SQLite and Postgres. */
const QUERY_CHUNK = 500;

/**
 * Who made the commits of a history page, from the commit records the commit module writes
 * (read-only: that module owns the table). The account's current name wins over the name it had
 * at commit time, so a renamed user's commits follow the account.
 */
@Injectable()
export class CommitAuthorsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The author of each commit that has a record, by commit sha; commits without one are absent. */
  async authorsByCommit(repoId: number, commitShas: readonly string[]): Promise<Map<string, CommitAuthor>> {
    const found = new Map<string, CommitAuthor>();
    const unique = [...new Set(commitShas)];
    for (let start = 0; start < unique.length; start += QUERY_CHUNK) {
      const records = await this.dataSource.getRepository(CommitRecordEntity).find({
        where: { repoId, commitSha: In(unique.slice(start, start + QUERY_CHUNK)) },
        relations: { author: true },
        order: { id: 'ASC' },
      });
      for (const record of records) {
        if (!found.has(record.commitSha)) {
          found.set(record.commitSha, {
            username: record.author?.username ?? record.username,
            hasAvatar: Boolean(record.author?.avatarHash),
          });
        }
      }
    }
    return found;
  }
}
