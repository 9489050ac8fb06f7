import { Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthUser } from 'src/common/auth-user';
import { RevisionNotFoundError } from 'src/common/errors/hub-error';
import { HubConfig } from 'src/config/hub-config';
import { GitRepoStore } from 'src/git/git-repo-store';
import { GitIdentity, GitRepository } from 'src/git/git-repository';
import { RefUpdateConflictError } from 'src/git/git.errors';
import { LfsService } from 'src/lfs/lfs.service';
import { commitIdentity } from 'src/repo/git-identity';
import { RepoRecord, repoWebUrl } from 'src/repo/repo-record';
import { RepoService } from 'src/repo/repo.service';
import { RepoType } from 'src/repo/repo-types';
import { RepoCardIndexer } from 'src/repo-info/repo-card-indexer';
import { BuiltCommit, CommitBuilder, toTreeOperations } from 'src/commit/commit-builder';
import {
  CommitHeader,
  CommitOperation,
  PayloadLimits,
  PayloadLine,
  commitMessage,
  parseHeader,
  parseOperation,
  parsePayloadLine,
} from 'src/commit/commit-payload';
import { CommitRecordRepository } from 'src/commit/commit-record.repository';
import { CommitTarget, createPullRequestRef, resolveCommitTarget } from 'src/commit/commit-target';
import { CommitContentionError, StaleParentCommitError } from 'src/commit/commit.errors';
import { CommitResponseDto } from 'src/commit/commit.dto';
import { KeyedMutex } from 'src/commit/keyed-mutex';
import { ndjsonLines } from 'src/commit/ndjson-lines';
import { writableRepo } from 'src/commit/writable-repo';

/** Room on a `file` line for everything but the base64 content (path, oldPath, keys, escapes). */
const LINE_OVERHEAD_BYTES = 64 * 1024;
/** Compare-and-swap rounds on one branch before giving up; each round rebases onto the new head. */
const MAX_PUBLISH_ATTEMPTS = 25;
/** After an error, at most this much of the remaining body is read so the client sees the response. */
const MAX_DRAIN_BYTES = 256 * 1024 * 1024;

export interface CommitOptions {
  createPr: boolean;
}

interface Published {
  commitSha: string;
  /** The commit the ref now holds was made by this request (not a no-op). */
  isNew: boolean;
  built: BuiltCommit;
  ref: string;
  pullRequestNumber?: number;
}

/**
 * `POST /api/{type}s/{id}/commit/{rev}`: the NDJSON body is parsed while it streams and fed to one
 * fast-import run, so a commit of thousands of files never sits in memory. The commit is published
 * with a compare-and-swap on the ref: it lands whole or not at all. When another commit moved the
 * branch meanwhile, the same operations are re-applied onto the new head (with blob ids, not
 * content) and the swap retried, so concurrent commits never lose each other; with `parentCommit`
 * a moved branch is a 412 instead.
 */
@Injectable()
export class CommitService {
  private readonly logger = new Logger(CommitService.name);
  private readonly publishing = new KeyedMutex();

  constructor(
    private readonly repos: RepoService,
    private readonly gitStore: GitRepoStore,
    private readonly lfs: LfsService,
    private readonly records: CommitRecordRepository,
    private readonly config: HubConfig,
    private readonly cardIndexer: RepoCardIndexer,
  ) {}

  async commit(
    user: AuthUser,
    type: RepoType,
    namespace: string,
    name: string,
    revision: string,
    options: CommitOptions,
    body: Readable,
    baseUrl: string,
  ): Promise<CommitResponseDto> {
    try {
      const repo = await writableRepo(this.repos, user, type, namespace, name);
      return await this.commitToRepo(user, repo, revision, options, body, baseUrl);
    } catch (error) {
      await drain(body);
      throw error;
    }
  }

  /** Largest `file` content a commit accepts: what preupload would still call regular. */
  private maxRegularFileBytes(repo: RepoRecord): number {
    return Math.max(this.repos.effectiveLfsThreshold(repo), this.config.lfsThresholdBytes);
  }

  private async commitToRepo(
    user: AuthUser,
    repo: RepoRecord,
    revision: string,
    options: CommitOptions,
    body: Readable,
    baseUrl: string,
  ): Promise<CommitResponseDto> {
    const git = this.gitStore.open(repo.storageId);
    const limits: PayloadLimits = { maxRegularFileBytes: this.maxRegularFileBytes(repo) };
    const lines = payloadLines(body, Math.ceil(limits.maxRegularFileBytes / 3) * 4 + LINE_OVERHEAD_BYTES);
    try {
      return await this.commitLines(user, repo, git, revision, options, lines, limits, baseUrl);
    } finally {
      // Detaches the reader from the request (at once when it is idle), so the error path can drain it.
      lines.return(undefined).catch(() => undefined);
    }
  }

  private async commitLines(
    user: AuthUser,
    repo: RepoRecord,
    git: GitRepository,
    revision: string,
    options: CommitOptions,
    lines: AsyncGenerator<PayloadLine>,
    limits: PayloadLimits,
    baseUrl: string,
  ): Promise<CommitResponseDto> {
    const first = await lines.next();
    const header = parseHeader(first.done ? undefined : first.value);
    const target = await resolveCommitTarget(git, revision, options.createPr, header.parentCommit);
    const identity = commitIdentity(user.username);
    const builder = new CommitBuilder(git);
    const built = await builder.build({
      baseSha: target.baseSha,
      message: commitMessage(header),
      identity,
      operations: toTreeOperations(parseOperations(lines, limits), { git, lfs: this.lfs }),
    });
    const published =
      target.ref === null
        ? await this.openPullRequest(git, built)
        : await this.publishOnRef(repo, git, builder, target, target.ref, built, header, identity);
    if (published.isNew) {
      await this.record(user, repo, published, header);
      // A no-op unless the commit is now the default branch's head; never fails the commit.
      await this.cardIndexer.refresh(repo, published.commitSha);
    }
    const webUrl = repoWebUrl(baseUrl, repo);
    return {
      commitUrl: `${webUrl}/commit/${published.commitSha}`,
      commitOid: published.commitSha,
      pullRequestUrl:
        published.pullRequestNumber === undefined ? null : `${webUrl}/discussions/${published.pullRequestNumber}`,
    };
  }

  private async openPullRequest(git: GitRepository, built: BuiltCommit): Promise<Published> {
    const commitSha = built.isNoop ? built.baseSha : built.commitSha;
    const pullRequest = await createPullRequestRef(git, commitSha);
    return { commitSha, isNew: !built.isNoop, built, ref: pullRequest.ref, pullRequestNumber: pullRequest.number };
  }

  /**
   * Moves `ref` from the commit's base to the commit. Commits to one ref are serialised within this
   * process, so they rebase here rather than race; other replicas are caught by the swap itself.
   */
  private publishOnRef(
    repo: RepoRecord,
    git: GitRepository,
    builder: CommitBuilder,
    target: CommitTarget,
    ref: string,
    first: BuiltCommit,
    header: CommitHeader,
    identity: GitIdentity,
  ): Promise<Published> {
    return this.publishing.run(`${repo.storageId}\0${ref}`, async (hasWaited) => {
      let built = first;
      // After waiting for another commit to this ref, the head has most likely moved: look before swapping.
      let mustCheckHead = hasWaited || built.isNoop;
      for (let attempt = 1; ; attempt++) {
        if (mustCheckHead) {
          const head = await git.resolveCommit(ref);
          if (head === null) {
            throw new RevisionNotFoundError(target.revision);
          }
          if (head !== built.baseSha) {
            if (target.isParentPinned) {
              throw new StaleParentCommitError();
            }
            if (attempt > MAX_PUBLISH_ATTEMPTS) {
              throw new CommitContentionError(ref);
            }
            built = await builder.build({
              baseSha: head,
              message: commitMessage(header),
              identity,
              operations: built.replay,
            });
          } else if (built.isNoop) {
            return { commitSha: head, isNew: false, built, ref };
          } else if (attempt > 1) {
            // The ref was locked by a writer outside this process but has not moved: try again shortly.
            if (attempt > MAX_PUBLISH_ATTEMPTS) {
              throw new CommitContentionError(ref);
            }
            await sleep(Math.min(200, 10 * attempt));
          }
        }
        if (built.isNoop) {
          mustCheckHead = true;
          continue;
        }
        try {
          await git.updateRef(ref, built.commitSha, built.baseSha);
          return { commitSha: built.commitSha, isNew: true, built, ref };
        } catch (error) {
          if (!(error instanceof RefUpdateConflictError) || error.reason === 'name-conflict') {
            throw error;
          }
          mustCheckHead = true;
        }
      }
    });
  }

  /** The database trails git: the ref has moved, so a failed write is logged, never undone. */
  private async record(user: AuthUser, repo: RepoRecord, published: Published, header: CommitHeader): Promise<void> {
    try {
      await this.records.insert({
        repoId: repo.id,
        commitSha: published.commitSha,
        ref: published.ref,
        authorId: user.id,
        username: user.username,
        summary: header.summary,
        description: header.description,
        lfsFiles: published.built.lfsFiles.map((file) => ({
          path: file.path,
          oid: file.pointer.oid,
          size: file.pointer.size,
        })),
      });
    } catch (error) {
      this.logger.error(
        { err: error, repo: repo.fullId, commit: published.commitSha, ref: published.ref },
        'Commit published but its database record could not be written; quota and GC data are now incomplete',
      );
    }
  }
}

/** The body's lines as `{key, value}` objects, numbered for error messages. */
async function* payloadLines(body: Readable, maxLineBytes: number): AsyncGenerator<PayloadLine> {
  let lineNumber = 0;
  for await (const line of ndjsonLines(body, maxLineBytes)) {
    lineNumber++;
    yield parsePayloadLine(line, lineNumber);
  }
}

async function* parseOperations(
  lines: AsyncGenerator<PayloadLine>,
  limits: PayloadLimits,
): AsyncGenerator<CommitOperation> {
  try {
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      yield parseOperation(next.value, limits);
    }
  } finally {
    // Closing the line reader detaches it from the request, which the error path then drains.
    await lines.return(undefined);
  }
}

/**
 * Reads and discards what is left of a request body, so a client still sending it gets the error
 * response instead of a reset connection. Bounded: past the limit the connection is left to close.
 */
async function drain(body: Readable): Promise<void> {
  if (body.readableEnded || body.destroyed) {
    return;
  }
  let seen = 0;
  try {
    for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (seen > MAX_DRAIN_BYTES) {
        return;
      }
    }
  } catch {
    // The client went away: there is no one left to answer.
  }
}
