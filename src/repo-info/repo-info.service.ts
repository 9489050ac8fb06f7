import { Injectable } from '@nestjs/common';
import { AuthUser } from 'src/common/auth-user';
import { resolveRevision } from 'src/commit/commit-target';
import { GitRepository } from 'src/git/git-repository';
import { RepoRecord } from 'src/repo/repo-record';
import { RepoService } from 'src/repo/repo.service';
import { RepoType } from 'src/repo/repo-types';
import { cardFacts } from 'src/repo-info/repo-card';
import { RepoCardIndexer } from 'src/repo-info/repo-card-indexer';
import { CARD_FIELDS, infoFields } from 'src/repo-info/repo-fields';
import { RepoInfoQueryDto } from 'src/repo-info/repo-info.dto';
import { RepoIndexRepository, RepoIndexRow } from 'src/repo-info/repo-index.repository';
import { RepoSnapshotReader } from 'src/repo-info/repo-snapshot';
import { renderRepo, RepoInfoObject, RepoView } from 'src/repo-info/repo-view';

/** Properties read from git at the revision's commit; anything else comes from the database alone. */
const GIT_FIELDS: ReadonlySet<string> = new Set(['sha', 'lastModified', 'siblings', ...CARD_FIELDS]);

/**
 * `GET /api/{type}s/{id}[/revision/{rev}]`: the repository as of a revision (the default branch
 * when none is given). Everything that depends on the revision (sha, date, files, card, tags) is
 * read from git for that commit; counters come from the database. Git is not touched at all when
 * the requested properties do not need it (`expand[]=likes`, as JS `repoExists` asks).
 */
@Injectable()
export class RepoInfoService {
  constructor(
    private readonly repos: RepoService,
    private readonly snapshots: RepoSnapshotReader,
    private readonly index: RepoIndexRepository,
    private readonly indexer: RepoCardIndexer,
  ) {}

  async getRepoInfo(
    user: AuthUser | undefined,
    type: RepoType,
    namespace: string,
    name: string,
    revision: string | undefined,
    query: RepoInfoQueryDto,
  ): Promise<RepoInfoObject> {
    const fields = infoFields(type, query.expand);
    const repo = await this.repos.getRepo(user, type, namespace, name, 'read');
    let indexRow = await this.index.findIndex(repo.id);
    const view = this.baseView(repo, indexRow);
    if (revision !== undefined || fields.some((field) => GIT_FIELDS.has(field))) {
      const git = this.snapshots.open(repo.storageId);
      const isDefaultHead = revision === undefined || revision === 'HEAD';
      const sha = await this.resolve(git, revision);
      if (sha === null) {
        // A repository whose default branch has no commit yet: no files, no card.
        view.files = [];
        view.card = cardFacts(type, null, repo.sdk);
        return renderRepo(view, fields);
      }
      if (isDefaultHead && indexRow?.cardSha !== sha) {
        await this.indexer.refresh(repo, sha);
        indexRow = await this.index.findIndex(repo.id);
        view.usedStorage = indexRow?.usedStorage ?? view.usedStorage;
      }
      view.sha = sha;
      if (fields.includes('lastModified')) {
        view.lastModified =
          indexRow?.cardSha === sha ? indexRow.lastModified : await this.snapshots.commitDate(git, sha);
      }
      if (fields.includes('siblings')) {
        view.files = await this.snapshots.listFiles(git, sha, { withLfs: query.blobs === true });
        view.hasFileDetails = query.blobs === true;
      }
      if (fields.some((field) => CARD_FIELDS.has(field))) {
        view.card = cardFacts(type, await this.snapshots.readReadme(git, sha, view.files), repo.sdk);
      }
    }
    return renderRepo(view, fields);
  }

  /** The commit of `revision` (RevisionNotFound if none), or of the default branch: null while it has none. */
  private async resolve(git: GitRepository, revision: string | undefined): Promise<string | null> {
    if (revision !== undefined) {
      return resolveRevision(git, revision);
    }
    return git.resolveCommit('HEAD');
  }

  private baseView(repo: RepoRecord, indexRow: RepoIndexRow | null): RepoView {
    return {
      type: repo.type,
      storageId: repo.storageId,
      fullId: repo.fullId,
      namespace: repo.namespace,
      createdAt: repo.createdAt,
      isPrivate: repo.isPrivate,
      gated: repo.gated,
      isDisabled: repo.isDisabled,
      downloads: repo.downloads,
      likes: repo.likes,
      trendingScore: indexRow?.trendingScore ?? 0,
      usedStorage: indexRow?.usedStorage ?? 0,
    };
  }
}
