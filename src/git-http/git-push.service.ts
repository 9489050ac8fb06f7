import { Injectable, Logger } from '@nestjs/common';
import { Request, Response } from 'express';
import { Readable, Writable } from 'node:stream';
import { AuthUser } from 'src/common/auth-user';
import { HubError } from 'src/common/errors/hub-error';
import { CommitRecordRepository } from 'src/commit/commit-record.repository';
import { MAX_LFS_POINTER_BYTES, parseLfsPointer } from 'src/commit/lfs-pointer';
import { HubConfig } from 'src/config/hub-config';
import { GitProcess, GitStream } from 'src/git/git-process';
import { GitRepoStore } from 'src/git/git-repo-store';
import { GitServiceProcess } from 'src/git/git-service-process';
import {
  GitPushInspector,
  isDeletion,
  parseRefUpdates,
  PointerFormat,
  PushedCommit,
  PushedPointer,
  RefUpdate,
} from 'src/git/push-inspection';
import { NO_CACHE_HEADERS, discardRequestBody } from 'src/git-http/git-response';
import { FLUSH_PKT, pktLine, sideBand, SMALL_SIDE_BAND_PAYLOAD } from 'src/git-http/pkt-line';
import { HookCall, PushHookServer } from 'src/git-http/push-hook-server';
import { PushQuotaPolicy } from 'src/git-http/push-quota-policy';
import { PushRequestHead, readPushRequestHead } from 'src/git-http/push-request';
import { refUpdateProblems } from 'src/git-http/push-rules';
import { BodyLimitExceededError, decodeGitBody, DecodedBody } from 'src/git-http/request-body';
import { LfsService } from 'src/lfs/lfs.service';
import { RepoRecord } from 'src/repo/repo-record';
import { RepoService } from 'src/repo/repo.service';
import { RepoCardIndexer } from 'src/repo-info/repo-card-indexer';

/** The command list of a push is a few lines per ref; this bounds what is buffered before the pack. */
const MAX_COMMAND_LIST_BYTES = 8 * 1024 * 1024;
/** How many offending objects a refusal lists. */
const MAX_LISTED = 20;

const LFS_POINTER_FORMAT: PointerFormat = { maxBytes: MAX_LFS_POINTER_BYTES, parse: parseLfsPointer };

/** One push while its request runs: who pushes where, and what `pre-receive` found for `post-receive`. */
interface PushSession {
  user: AuthUser;
  repo: RepoRecord;
  gitDir: string;
  body: DecodedBody;
  commits: PushedCommit[];
}

/**
 * How feeding the request into receive-pack ended: the whole body went in; the body failed (too
 * large, bad gzip, client gone); or receive-pack stopped reading first (it answers on its own).
 */
type FeedOutcome = { kind: 'complete' } | { kind: 'failed'; error: Error } | { kind: 'stopped' };

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * `git push` over HTTP. receive-pack does the work (pack indexing, fsck, ref updates with
 * compare-and-swap); the hub decides in its `pre-receive` hook, while the pushed objects are still
 * quarantined, so a refused push leaves nothing behind:
 *
 * - refs: branches, tags and `refs/pr/N` only; the default branch is never deleted;
 * - every LFS pointer in the new commits names an object the hub stores and has verified;
 * - no regular file above the repository's LFS threshold;
 * - the quota policy agrees.
 *
 * The client's command list is rewritten to request `atomic`, so refs that lost a race against
 * another push or an API commit (receive-pack compares each ref with the value the client saw)
 * fail the whole push instead of landing half of it. After the update, `post-receive` records the
 * new commits as API commits are recorded and refreshes the card index of the default branch.
 */
@Injectable()
export class GitPushService {
  private readonly logger = new Logger(GitPushService.name);

  constructor(
    private readonly store: GitRepoStore,
    private readonly gitProcess: GitProcess,
    private readonly services: GitServiceProcess,
    private readonly hooks: PushHookServer,
    private readonly repos: RepoService,
    private readonly lfs: LfsService,
    private readonly quota: PushQuotaPolicy,
    private readonly records: CommitRecordRepository,
    private readonly cardIndexer: RepoCardIndexer,
    private readonly config: HubConfig,
  ) {}

  async receivePack(user: AuthUser, repo: RepoRecord, request: Request, response: Response): Promise<void> {
    const limit = this.config.git.maxPushBytes;
    const body = decodeGitBody(
      request,
      limit,
      () =>
        new BodyLimitExceededError(
          limit,
          `this push is larger than the server's limit of ${formatBytes(limit)} per push; ` +
            'push fewer commits at a time, and track large files with Git LFS',
        ),
    );
    let head: PushRequestHead;
    try {
      head = await readPushRequestHead(body.stream, MAX_COMMAND_LIST_BYTES);
    } catch (error) {
      discardRequestBody(request);
      throw error;
    }
    if (head.commands.length === 0) {
      discardRequestBody(request);
      response.status(200);
      response.setHeader('Content-Type', 'application/x-git-receive-pack-result');
      response.end();
      return;
    }
    const session: PushSession = { user, repo, gitDir: this.store.pathFor(repo.storageId), body, commits: [] };
    const registration = this.hooks.register((call, say) =>
      call.phase === 'pre-receive' ? this.preReceive(session, call, say) : this.postReceive(session, call),
    );
    try {
      const git = this.services.receivePack(session.gitDir, {
        hooksPath: this.hooks.hooksPath,
        hookEnv: registration.env,
        maxInputBytes: limit,
      });
      await this.runReceivePack(git, head, body, request, response);
    } finally {
      registration.release();
    }
  }

  /**
   * Feeds the command list and the pack to receive-pack, then streams its answer. The answer is
   * held back until the whole request is read (receive-pack says nothing before), so a request
   * that turns out too large or corrupt can still be answered with a report git shows.
   */
  private async runReceivePack(
    git: GitStream,
    head: PushRequestHead,
    body: DecodedBody,
    request: Request,
    response: Response,
  ): Promise<void> {
    if (git.stdin === null) {
      throw new Error('receive-pack was started without a stdin pipe');
    }
    const outcome = await feed(head.forwarded, body.stream, git.stdin);
    if (outcome.kind === 'stopped') {
      discardRequestBody(request);
    }
    if (outcome.kind === 'failed') {
      // receive-pack saw its input end early: it refuses the truncated pack and removes its quarantine.
      git.stdout.resume();
      await git.exit.catch(() => undefined);
      discardRequestBody(request);
      if (!(outcome.error instanceof HubError)) {
        response.destroy();
        return;
      }
      const reason = outcome.error instanceof BodyLimitExceededError ? 'push too large' : outcome.error.message;
      this.sendRefusal(response, head, outcome.error.message, reason);
      return;
    }
    response.status(200);
    response.setHeader('Content-Type', 'application/x-git-receive-pack-result');
    for (const [name, value] of Object.entries(NO_CACHE_HEADERS)) {
      response.setHeader(name, value);
    }
    await forwardToEnd(git, response);
  }

  /**
   * The report receive-pack would send for a push refused as a whole: every ref `ng` with a short
   * `reason`, on side-band 1 when the client asked for it, and the full `message` on side-band 2,
   * which git prints as `remote: error: …`.
   */
  private sendRefusal(response: Response, head: PushRequestHead, message: string, reason: string): void {
    const shortReason = reason.replace(/\s+/g, ' ');
    const report = Buffer.concat([
      pktLine(`unpack ${shortReason}\n`),
      ...head.commands.map((command) => pktLine(`ng ${command.ref} ${shortReason}\n`)),
      FLUSH_PKT,
    ]);
    const hasSideBand = head.capabilities.includes('side-band-64k') || head.capabilities.includes('side-band');
    const room = head.capabilities.includes('side-band-64k') ? undefined : SMALL_SIDE_BAND_PAYLOAD;
    response.status(200);
    response.setHeader('Content-Type', 'application/x-git-receive-pack-result');
    for (const [name, value] of Object.entries(NO_CACHE_HEADERS)) {
      response.setHeader(name, value);
    }
    response.end(
      hasSideBand
        ? Buffer.concat([
            sideBand(2, `error: ${message.replace(/\s+/g, ' ')}\n`, room),
            sideBand(1, report, room),
            FLUSH_PKT,
          ])
        : report,
    );
  }

  /** The checks run while the pushed objects are quarantined; true lets receive-pack update the refs. */
  private async preReceive(session: PushSession, call: HookCall, say: (message: string) => void): Promise<boolean> {
    const { repo } = session;
    const updates = parseRefUpdates(call.updates);
    const headBranch = await this.store.open(repo.storageId).defaultBranch();
    const problems = refUpdateProblems(updates, {
      defaultBranches: [repo.defaultBranch, ...(headBranch === null ? [] : [headBranch])],
    });
    if (problems.length > 0) {
      problems.forEach((problem) => say(`error: ${problem}`));
      return false;
    }
    const inspector = await GitPushInspector.open(this.gitProcess, session.gitDir, call.quarantine);
    const tips = [...new Set(updates.filter((update) => !isDeletion(update)).map((update) => update.newSha))];
    const threshold = this.repos.effectiveLfsThreshold(repo);
    const scan = await inspector.scanObjects(tips, {
      maxRegularBlobBytes: threshold,
      pointerFormat: LFS_POINTER_FORMAT,
    });
    if (scan.oversizedCount > 0) {
      say(
        `error: ${scan.oversizedCount} file(s) are larger than ${formatBytes(threshold)}, this repository's limit for regular files:`,
      );
      scan.oversized.forEach((blob) => say(`error:   ${blob.path} (${formatBytes(blob.size)})`));
      if (scan.oversizedCount > scan.oversized.length) {
        say(`error:   … and ${scan.oversizedCount - scan.oversized.length} more`);
      }
      say('error: Track large files with Git LFS: `git lfs track "<pattern>"` for new files, or');
      say('error: `git lfs migrate import --include="<pattern>"` to convert files already committed, then push again.');
      return false;
    }
    const lfsObjects = distinctObjects(scan.pointers);
    const missing = await this.missingLfsObjects(lfsObjects);
    if (missing.length > 0) {
      say(`error: ${missing.length} Git LFS object(s) named by this push are not stored on the hub:`);
      missing
        .slice(0, MAX_LISTED)
        .forEach((object) => say(`error:   ${object.oid} (${object.path}, ${object.problem})`));
      if (missing.length > MAX_LISTED) {
        say(`error:   … and ${missing.length - MAX_LISTED} more`);
      }
      say('error: Upload them first: with git-lfs installed (`git lfs install`) `git push` does it, or run');
      say('error: `git lfs push --all origin`, then push again.');
      return false;
    }
    try {
      await this.quota.assertPushAllowed({
        repo,
        user: session.user,
        pushedBytes: session.body.bytesRead(),
        newObjectCount: scan.objectCount,
        newBlobBytes: scan.blobBytes,
        lfsObjects: lfsObjects.map(({ oid, size }) => ({ oid, size })),
      });
    } catch (error) {
      if (error instanceof HubError && error.status < 500) {
        say(`error: ${error.message}`);
        return false;
      }
      throw error;
    }
    session.commits = await inspector.listNewCommits(updates, scan.pointers);
    return true;
  }

  /**
   * After the refs moved: records the new commits (author: the account that pushed) and their LFS
   * files, and refreshes the card index when the default branch moved. Failures are logged only;
   * the push has happened and git cannot take it back.
   */
  private async postReceive(session: PushSession, call: HookCall): Promise<boolean> {
    const { repo, user } = session;
    let updates: RefUpdate[];
    try {
      updates = parseRefUpdates(call.updates);
    } catch (error) {
      this.logger.error({ err: error, repo: repo.fullId }, 'Unreadable post-receive input');
      return true;
    }
    const movedRefs = new Set(updates.filter((update) => !isDeletion(update)).map((update) => update.ref));
    for (const commit of session.commits) {
      if (!movedRefs.has(commit.ref)) {
        continue;
      }
      try {
        if ((await this.records.findByCommit(repo.id, commit.sha)) === null) {
          await this.records.insert({
            repoId: repo.id,
            commitSha: commit.sha,
            ref: commit.ref,
            authorId: user.id,
            username: user.username,
            summary: commit.summary,
            description: commit.description,
            lfsFiles: commit.lfsFiles,
          });
        }
      } catch (error) {
        this.logger.error(
          { err: error, repo: repo.fullId, commit: commit.sha },
          'Pushed commit landed but its database record could not be written',
        );
      }
    }
    const defaultRef = `refs/heads/${repo.defaultBranch}`;
    const defaultUpdate = updates.find((update) => update.ref === defaultRef && !isDeletion(update));
    if (defaultUpdate !== undefined) {
      await this.cardIndexer.refresh(repo, defaultUpdate.newSha);
    }
    return true;
  }

  /**
   * Pointers whose object is not stored and verified with the pointer's size. An upload that
   * reached storage by a presigned URL without the verify call is verified here, as for commits.
   */
  private async missingLfsObjects(objects: readonly PushedPointer[]): Promise<(PushedPointer & { problem: string })[]> {
    const verified = await this.lfs.findVerifiedMany(objects.map((object) => object.oid));
    const missing: (PushedPointer & { problem: string })[] = [];
    for (const object of objects) {
      let size = verified.get(object.oid);
      if (size === undefined) {
        size = await this.lfs
          .assertVerified(object.oid)
          .then((found) => found.size)
          .catch(() => undefined);
      }
      if (size === undefined) {
        missing.push({ ...object, problem: 'not uploaded' });
      } else if (size !== object.size) {
        missing.push({ ...object, problem: `the pointer says ${object.size} bytes, the stored object has ${size}` });
      }
    }
    return missing;
  }
}

/**
 * Streams receive-pack's answer to the client. A client that disconnects does not stop
 * receive-pack: killed during its ref transaction it could leave some refs moved and others not,
 * so it runs to the end (its own timeout still applies) and its remaining output is discarded.
 */
async function forwardToEnd(git: GitStream, response: Response): Promise<void> {
  git.stdout.pipe(response);
  response.once('close', () => {
    if (!response.writableFinished) {
      git.stdout.unpipe(response);
      git.stdout.resume();
    }
  });
  await git.exit.catch(() => undefined);
}

function distinctObjects(pointers: ReadonlyMap<string, PushedPointer>): PushedPointer[] {
  const byOid = new Map<string, PushedPointer>();
  for (const pointer of pointers.values()) {
    if (!byOid.has(`${pointer.oid}:${pointer.size}`)) {
      byOid.set(`${pointer.oid}:${pointer.size}`, pointer);
    }
  }
  return [...byOid.values()];
}

/**
 * Writes the (rewritten) command list, then pipes the rest of the body into receive-pack's stdin.
 * On a body error (too large, bad gzip, client gone) stdin is ended rather than destroyed, so
 * receive-pack reads a short pack, refuses it and cleans up its quarantine itself.
 */
function feed(commandList: Buffer, body: Readable, stdin: Writable): Promise<FeedOutcome> {
  return new Promise((resolve) => {
    let isSettled = false;
    const settle = (outcome: FeedOutcome): void => {
      if (isSettled) {
        return;
      }
      isSettled = true;
      body.unpipe(stdin);
      if (!stdin.writableEnded) {
        stdin.end();
      }
      resolve(outcome);
    };
    body.once('end', () => settle({ kind: 'complete' }));
    body.once('error', (error: Error) => settle({ kind: 'failed', error }));
    stdin.once('close', () => settle(body.readableEnded ? { kind: 'complete' } : { kind: 'stopped' }));
    stdin.write(commandList);
    body.pipe(stdin, { end: false });
  });
}
