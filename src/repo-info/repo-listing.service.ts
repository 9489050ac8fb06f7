import { Injectable } from '@nestjs/common';
import { UsersService } from 'src/auth/users.service';
import { AuthUser } from 'src/common/auth-user';
import { NotFoundError } from 'src/common/errors/hub-error';
import { HubConfig } from 'src/config/hub-config';
import { RepoEntity } from 'src/repo/repo.entity';
import { REPO_TYPES, RepoType } from 'src/repo/repo-types';
import { forEachLimited } from 'src/common/for-each-limited';
import { decodeCursor, encodeCursor } from 'src/repo-info/list-cursor';
import { CardData, CardFacts } from 'src/repo-info/repo-card';
import { CARD_FIELDS, listFields } from 'src/repo-info/repo-fields';
import { ListDirection, ListReposQueryDto, ListSort, ListUserReposQueryDto } from 'src/repo-info/repo-info.dto';
import { ListSortKey, RepoIndexRepository, RepoListRow } from 'src/repo-info/repo-index.repository';
import { RepoSnapshotReader } from 'src/repo-info/repo-snapshot';
import { renderRepo, RepoInfoObject, RepoView } from 'src/repo-info/repo-view';

export interface RepoPage {
  items: RepoInfoObject[];
  /** The `cursor` of the next page, or null on the last one. */
  nextCursor: string | null;
}

const SORT_KEYS: Record<ListSort, ListSortKey> = {
  trending: 'trendingScore',
  trendingScore: 'trendingScore',
  trending_score: 'trendingScore',
  downloads: 'downloads',
  likes: 'likes',
  lastModified: 'lastModified',
  last_modified: 'lastModified',
  updated: 'lastModified',
  createdAt: 'createdAt',
  created_at: 'createdAt',
  recent: 'createdAt',
};
/** Items whose git data (head, files) a listing reads at the same time. */
const GIT_READ_CONCURRENCY = 4;

function isAscending(direction: ListDirection | undefined): boolean {
  return direction === '1' || direction === 'asc';
}

/**
 * `GET /api/models|datasets|spaces` and `GET /api/users/{username}/repos`. Filtering, visibility,
 * sorting and paging happen in SQL on the card index; git is read only for what the index cannot
 * answer (`siblings`, and `sha` of a repository never indexed), one page at a time.
 */
@Injectable()
export class RepoListingService {
  constructor(
    private readonly index: RepoIndexRepository,
    private readonly users: UsersService,
    private readonly snapshots: RepoSnapshotReader,
    private readonly config: HubConfig,
  ) {}

  async listRepos(user: AuthUser | undefined, type: RepoType, query: ListReposQueryDto): Promise<RepoPage> {
    const fields = listFields(type, query.expand, {
      isFull: query.full === true,
      withCardData: query.cardData === true,
    });
    const sort = SORT_KEYS[query.sort ?? 'trending'];
    const ascending = isAscending(query.direction);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, sort, ascending);
    const limit = Math.min(query.limit ?? this.config.listMaxPageSize, this.config.listMaxPageSize);
    let ownerId: number | undefined;
    if (query.author !== undefined) {
      const owner = await this.users.findByName(query.author);
      if (owner === null) {
        return { items: [], nextCursor: null };
      }
      ownerId = owner.id;
    }
    const rows = await this.index.list({
      type,
      viewer: user === undefined ? undefined : { id: user.id, isAdmin: user.isAdmin },
      ownerId,
      search: query.search ?? [],
      tags: query.filter ?? [],
      pipelineTag: query.pipeline_tag,
      isGated: query.gated,
      sort,
      isAscending: ascending,
      // One row more than the page tells whether a next page exists, so the last page has no link.
      limit: limit + 1,
      after,
      withCardData: fields.some((field) => CARD_FIELDS.has(field) && field !== 'tags'),
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: await this.render(type, page, fields),
      nextCursor: rows.length > limit && last !== undefined ? encodeCursor(sort, ascending, last.position) : null,
    };
  }

  async listUserRepos(
    user: AuthUser | undefined,
    username: string,
    query: ListUserReposQueryDto,
  ): Promise<Record<'models' | 'datasets' | 'spaces', RepoInfoObject[]>> {
    const owner = await this.users.findByName(username);
    if (owner === null) {
      throw new NotFoundError(`User or organization not found: ${username}`);
    }
    const limit = Math.min(query.limit ?? this.config.listMaxPageSize, this.config.listMaxPageSize);
    const sort = SORT_KEYS[query.sort ?? 'recent'];
    const lists = await Promise.all(
      REPO_TYPES.map(async (type) => {
        const fields = listFields(type, undefined, { isFull: false, withCardData: false });
        const rows = await this.index.list({
          type,
          viewer: user === undefined ? undefined : { id: user.id, isAdmin: user.isAdmin },
          ownerId: owner.id,
          search: [],
          tags: [],
          sort,
          isAscending: isAscending(query.direction),
          limit,
          withCardData: fields.some((field) => CARD_FIELDS.has(field) && field !== 'tags'),
        });
        return this.render(type, rows, fields);
      }),
    );
    return { models: lists[0], datasets: lists[1], spaces: lists[2] };
  }

  private async render(
    type: RepoType,
    rows: readonly RepoListRow[],
    fields: readonly string[],
  ): Promise<RepoInfoObject[]> {
    const needsCard = fields.some((field) => CARD_FIELDS.has(field));
    const tags = needsCard ? await this.index.tagsOf(rows.map((row) => row.entity.id)) : new Map<number, string[]>();
    const views = rows.map(({ entity }) =>
      this.viewOf(type, entity, needsCard ? (tags.get(entity.id) ?? []) : undefined),
    );
    if (fields.includes('sha') || fields.includes('siblings')) {
      await forEachLimited(views, GIT_READ_CONCURRENCY, async (view) => {
        const git = this.snapshots.open(view.storageId);
        if (view.sha === null || view.sha === undefined) {
          view.sha = await git.resolveCommit('HEAD');
        }
        if (fields.includes('siblings')) {
          view.files = view.sha === null ? [] : await this.snapshots.listFiles(git, view.sha, { withLfs: false });
        }
      });
    }
    return views.map((view) => renderRepo(view, fields));
  }

  private viewOf(type: RepoType, entity: RepoEntity, tags: string[] | undefined): RepoView {
    const namespace = entity.owner?.username ?? '';
    return {
      type,
      storageId: entity.storageId,
      fullId: `${namespace}/${entity.name}`,
      namespace,
      createdAt: entity.createdAt,
      isPrivate: entity.isPrivate,
      gated: entity.gated,
      isDisabled: entity.isDisabled,
      downloads: entity.downloads,
      likes: entity.likes,
      trendingScore: entity.trendingScore,
      usedStorage: entity.usedStorage,
      sha: entity.cardSha,
      lastModified: entity.lastModified,
      card: tags === undefined ? undefined : this.storedCard(type, entity, tags),
    };
  }

  /** The card as the index holds it: prose fields (description, citation) are read by repo info only. */
  private storedCard(type: RepoType, entity: RepoEntity, tags: string[]): CardFacts {
    const cardData = entity.cardData ? (JSON.parse(entity.cardData) as CardData) : null;
    const cardSdk = typeof cardData?.sdk === 'string' ? cardData.sdk : null;
    return {
      cardData,
      tags,
      pipelineTag: entity.pipelineTag,
      libraryName: entity.libraryName,
      sdk: type === 'space' ? (cardSdk ?? entity.sdk) : null,
      description: null,
      citation: null,
    };
  }
}
