import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, In, SelectQueryBuilder } from 'typeorm';
import { RepoEntity } from 'src/repo/repo.entity';
import { RepoType } from 'src/repo/repo-types';
import { RepoTagEntity } from 'src/repo-info/repo-tag.entity';

/** What the card index stores for one repository (besides its tags). */
export interface RepoIndexFields {
  lastModified: Date;
  cardSha: string;
  cardData: string | null;
  pipelineTag: string | null;
  libraryName: string | null;
  usedStorage: number;
}

/** The index columns of one repository as repo info reads them. */
export interface RepoIndexRow {
  lastModified: Date;
  cardSha: string | null;
  usedStorage: number;
  trendingScore: number;
}

export type ListSortKey = 'trendingScore' | 'downloads' | 'likes' | 'lastModified' | 'createdAt';

/** Where the previous page stopped: the sort value (absent for `createdAt`, which is id order) and the id. */
export interface ListPosition {
  value?: string | number;
  id: number;
}

export interface RepoListQuery {
  type: RepoType;
  /** Who is asking: private repositories are listed only to those who may read them. */
  viewer?: { id: number; isAdmin: boolean };
  ownerId?: number;
  /** Every term must occur in `namespace/name` (case-insensitive). */
  search: readonly string[];
  /** Every tag must be on the repository. */
  tags: readonly string[];
  pipelineTag?: string;
  isGated?: boolean;
  sort: ListSortKey;
  isAscending: boolean;
  limit: number;
  after?: ListPosition;
  /** Load the card JSON too (it can be large, so only when an answer includes card data). */
  withCardData: boolean;
}

export interface RepoListRow {
  entity: RepoEntity;
  position: ListPosition;
}

/** Columns sorted by; `createdAt` is id order, since ids are handed out as repositories are created. */
const SORT_COLUMNS: Record<Exclude<ListSortKey, 'createdAt'>, { property: string; column: string }> = {
  trendingScore: { property: 'r.trendingScore', column: 'r.trending_score' },
  downloads: { property: 'r.downloads', column: 'r.downloads' },
  likes: { property: 'r.likes', column: 'r.likes' },
  lastModified: { property: 'r.lastModified', column: 'r.last_modified' },
};
/** The repository columns a listing reads; the card JSON only on request. */
const LISTED_COLUMNS = [
  'r.id',
  'r.storageId',
  'r.type',
  'r.ownerId',
  'r.name',
  'r.isPrivate',
  'r.gated',
  'r.isDisabled',
  'r.sdk',
  'r.downloads',
  'r.likes',
  'r.createdAt',
  'r.lastModified',
  'r.cardSha',
  'r.pipelineTag',
  'r.libraryName',
  'r.usedStorage',
  'r.trendingScore',
];
/** Rows per tag insert, well below the bind-parameter limits of SQLite and Postgres. */
const TAG_INSERT_CHUNK = 200;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * The card index on the `repos` table and `repo_tags`: written by `RepoCardIndexer`, read by repo
 * info and listings. Listings filter, sort and page (keyset, never OFFSET) entirely in SQL.
 */
@Injectable()
export class RepoIndexRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  async findIndex(repoId: number): Promise<RepoIndexRow | null> {
    const row = await this.dataSource.getRepository(RepoEntity).findOne({
      where: { id: repoId },
      select: { id: true, lastModified: true, cardSha: true, usedStorage: true, trendingScore: true },
    });
    return row === null
      ? null
      : {
          lastModified: row.lastModified,
          cardSha: row.cardSha,
          usedStorage: row.usedStorage,
          trendingScore: row.trendingScore,
        };
  }

  /** Replaces a repository's index and tags in one transaction. */
  async saveIndex(repoId: number, fields: RepoIndexFields, tags: readonly string[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.update(RepoEntity, { id: repoId }, fields);
      await manager.delete(RepoTagEntity, { repoId });
      const rows = tags.map((tag) => ({ repoId, tag }));
      for (let start = 0; start < rows.length; start += TAG_INSERT_CHUNK) {
        await manager.insert(RepoTagEntity, rows.slice(start, start + TAG_INSERT_CHUNK));
      }
    });
  }

  /** The tags of each repository, in the order they were indexed. */
  async tagsOf(repoIds: readonly number[]): Promise<Map<number, string[]>> {
    const tags = new Map<number, string[]>(repoIds.map((id) => [id, []]));
    if (repoIds.length === 0) {
      return tags;
    }
    const rows = await this.dataSource.getRepository(RepoTagEntity).find({
      where: { repoId: In([...repoIds]) },
      order: { id: 'ASC' },
    });
    for (const row of rows) {
      tags.get(row.repoId)?.push(row.tag);
    }
    return tags;
  }

  /** One page of repositories (with their owners), and where each row sits in the sort order. */
  async list(query: RepoListQuery): Promise<RepoListRow[]> {
    const builder = this.dataSource
      .getRepository(RepoEntity)
      .createQueryBuilder('r')
      .innerJoin('r.owner', 'o')
      .select([...LISTED_COLUMNS, ...(query.withCardData ? ['r.cardData'] : []), 'o.id', 'o.username', 'o.isOrg'])
      .where('r.type = :type', { type: query.type })
      .andWhere('o.isActive = :isActive', { isActive: true });
    this.whereVisible(builder, query.viewer);
    this.whereMatches(builder, query);
    const direction = query.isAscending ? 'ASC' : 'DESC';
    const sort = query.sort === 'createdAt' ? null : SORT_COLUMNS[query.sort];
    if (query.sort === 'lastModified') {
      // The cursor keeps the database's own text of the date, which reads back exactly: Postgres
      // holds microseconds that a JS Date would round away, and SQLite compares the stored text.
      builder.addSelect('CAST(r.last_modified AS varchar(64))', 'sort_value');
    }
    if (query.after !== undefined) {
      this.whereAfter(builder, query.sort, query.isAscending, query.after);
    }
    if (sort !== null) {
      builder.orderBy(sort.property, direction);
      builder.addOrderBy('r.id', direction);
    } else {
      builder.orderBy('r.id', direction);
    }
    builder.limit(query.limit);
    const { entities, raw } = await builder.getRawAndEntities<{ sort_value?: string }>();
    return entities.map((entity, index) => ({
      entity,
      position: { id: entity.id, ...this.sortValueOf(query.sort, entity, raw[index]?.sort_value) },
    }));
  }

  private sortValueOf(
    sort: ListSortKey,
    entity: RepoEntity,
    rawValue: string | undefined,
  ): { value?: string | number } {
    switch (sort) {
      case 'createdAt':
        return {};
      case 'lastModified':
        return { value: rawValue ?? '' };
      case 'trendingScore':
        return { value: entity.trendingScore };
      case 'downloads':
        return { value: entity.downloads };
      case 'likes':
        return { value: entity.likes };
    }
  }

  private whereVisible(builder: SelectQueryBuilder<RepoEntity>, viewer: RepoListQuery['viewer']): void {
    if (viewer?.isAdmin) {
      return;
    }
    if (viewer === undefined) {
      builder.andWhere('r.isPrivate = :isPrivate', { isPrivate: false });
      return;
    }
    builder.andWhere(
      new Brackets((visible) => {
        visible
          .where('r.isPrivate = :isPrivate', { isPrivate: false })
          .orWhere('r.ownerId = :viewerId', { viewerId: viewer.id })
          .orWhere('EXISTS (SELECT 1 FROM org_memberships m WHERE m.org_id = r.owner_id AND m.user_id = :viewerId)', {
            viewerId: viewer.id,
          });
      }),
    );
  }

  private whereMatches(builder: SelectQueryBuilder<RepoEntity>, query: RepoListQuery): void {
    if (query.ownerId !== undefined) {
      builder.andWhere('r.ownerId = :ownerId', { ownerId: query.ownerId });
    }
    query.search.forEach((term, index) => {
      builder.andWhere(`LOWER(o.username || '/' || r.name) LIKE :search${index} ESCAPE '\\'`, {
        [`search${index}`]: `%${escapeLike(term.toLowerCase())}%`,
      });
    });
    query.tags.forEach((tag, index) => {
      builder.andWhere(
        `EXISTS (SELECT 1 FROM repo_tags t${index} WHERE t${index}.repo_id = r.id AND t${index}.tag = :tag${index})`,
        {
          [`tag${index}`]: tag,
        },
      );
    });
    if (query.pipelineTag !== undefined) {
      builder.andWhere('r.pipelineTag = :pipelineTag', { pipelineTag: query.pipelineTag });
    }
    if (query.isGated !== undefined) {
      builder.andWhere(query.isGated ? 'r.gated IS NOT NULL' : 'r.gated IS NULL');
    }
  }

  /** Keyset pagination: rows strictly after `after` in `(sort value, id)` order. */
  private whereAfter(
    builder: SelectQueryBuilder<RepoEntity>,
    sort: ListSortKey,
    isAscending: boolean,
    after: ListPosition,
  ): void {
    const beyond = isAscending ? '>' : '<';
    if (sort === 'createdAt') {
      builder.andWhere(`r.id ${beyond} :afterId`, { afterId: after.id });
      return;
    }
    const column = SORT_COLUMNS[sort].column;
    const value = sort === 'lastModified' && this.isPostgres ? 'CAST(:afterValue AS timestamp)' : ':afterValue';
    builder.andWhere(
      new Brackets((next) => {
        next.where(`${column} ${beyond} ${value}`).orWhere(`${column} = ${value} AND r.id ${beyond} :afterId`);
      }),
      { afterValue: after.value, afterId: after.id },
    );
  }
}
