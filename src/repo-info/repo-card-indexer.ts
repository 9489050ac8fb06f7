import { Injectable, Logger } from '@nestjs/common';
import { KeyedMutex } from 'src/commit/keyed-mutex';
import { RepoRecord } from 'src/repo/repo-record';
import { cardFacts } from 'src/repo-info/repo-card';
import { RepoIndexRepository } from 'src/repo-info/repo-index.repository';
import { RepoSnapshotReader, storageOf } from 'src/repo-info/repo-snapshot';

export type IndexedRepo = Pick<RepoRecord, 'id' | 'storageId' | 'type' | 'sdk' | 'fullId'>;

/** Longest card JSON kept for listings; a bigger card is still served by repo info, read from git. */
const MAX_STORED_CARD_BYTES = 64 * 1024;
/** Matches the `pipeline_tag` and `library_name` columns. */
const MAX_NAME_LENGTH = 128;

/**
 * Keeps the card index (last modification, card metadata, tags, used storage) of a repository in
 * step with the head of its default branch, so listings can filter and sort in SQL.
 *
 * Whatever moves a ref calls `refresh` afterwards (API commits, git pushes); repo info calls it too
 * when it sees the index lag behind the default branch, which repairs anything a crash or another
 * replica missed. Refreshes of one repository run one at a time in this process and write only
 * while the commit is still the head, so a slow refresh never overwrites a newer one.
 */
@Injectable()
export class RepoCardIndexer {
  private readonly logger = new Logger(RepoCardIndexer.name);
  private readonly perRepo = new KeyedMutex();

  constructor(
    private readonly snapshots: RepoSnapshotReader,
    private readonly index: RepoIndexRepository,
  ) {}

  /**
   * Re-indexes `repo` from `commitSha` if that commit is the head of its default branch (HEAD);
   * otherwise does nothing, so callers may call it after any ref update. Never throws: the ref has
   * already moved, and a failed refresh is logged and repaired by the next one.
   */
  async refresh(repo: IndexedRepo, commitSha: string): Promise<void> {
    try {
      await this.perRepo.run(String(repo.id), () => this.refreshNow(repo, commitSha));
    } catch (error) {
      this.logger.warn(
        { err: error, repo: repo.fullId, commit: commitSha },
        'Could not refresh the repository card index',
      );
    }
  }

  private async refreshNow(repo: IndexedRepo, commitSha: string): Promise<void> {
    const git = this.snapshots.open(repo.storageId);
    if ((await git.resolveCommit('HEAD')) !== commitSha) {
      return;
    }
    const current = await this.index.findIndex(repo.id);
    if (current?.cardSha === commitSha) {
      return;
    }
    const [lastModified, files] = await Promise.all([
      this.snapshots.commitDate(git, commitSha),
      this.snapshots.listFiles(git, commitSha, { withLfs: true }),
    ]);
    const facts = cardFacts(repo.type, await this.snapshots.readReadme(git, commitSha, files), repo.sdk);
    const cardJson = facts.cardData === null ? null : JSON.stringify(facts.cardData);
    if ((await git.resolveCommit('HEAD')) !== commitSha) {
      return;
    }
    await this.index.saveIndex(
      repo.id,
      {
        lastModified,
        cardSha: commitSha,
        cardData: cardJson !== null && Buffer.byteLength(cardJson) <= MAX_STORED_CARD_BYTES ? cardJson : null,
        pipelineTag: boundedName(facts.pipelineTag),
        libraryName: boundedName(facts.libraryName),
        usedStorage: storageOf(files),
      },
      facts.tags,
    );
  }
}

function boundedName(value: string | null): string | null {
  return value !== null && value.length <= MAX_NAME_LENGTH ? value : null;
}
