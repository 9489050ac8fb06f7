import { Injectable, Logger } from '@nestjs/common';
import { AuthUser } from 'src/common/auth-user';
import { ConflictError, RevisionNotFoundError } from 'src/common/errors/hub-error';
import { RepoCardIndexer } from 'src/repo-info/repo-card-indexer';
import { GitRepoStore } from 'src/git/git-repo-store';
import { GitIdentity, GitRepository, isRefNameShaped } from 'src/git/git-repository';
import { RefUpdateConflictError } from 'src/git/git.errors';
import { commitIdentity } from 'src/repo/git-identity';
import { RepoRecord, repoWebUrl } from 'src/repo/repo-record';
import { RepoService } from 'src/repo/repo.service';
import { RepoType } from 'src/repo/repo-types';
import { CommitRecordRepository } from 'src/commit/commit-record.repository';
import { branchNameOf, resolveRevision } from 'src/commit/commit-target';
import {
  CommitContentionError,
  DefaultBranchDeletionError,
  InvalidBranchNameError,
  InvalidTagNameError,
  RefExistsError,
} from 'src/commit/commit.errors';
import { CreateBranchDto, CreateTagDto, SuperSquashDto, SuperSquashResponseDto } from 'src/commit/refs.dto';
import { writableRepo } from 'src/commit/writable-repo';

const FULL_COMMIT_ID = /^[0-9a-f]{40}$/;
/** Squash re-reads the branch and tries again this often when a commit lands meanwhile. */
const MAX_SQUASH_ATTEMPTS = 5;

export interface RepoRef {
  type: RepoType;
  namespace: string;
  name: string;
}

/** A name that may follow `refs/heads/` or `refs/tags/`: not a ref path of its own, not `HEAD`, not a commit id. */
function isPlainRefName(kind: 'heads' | 'tags', name: string): boolean {
  return (
    !name.startsWith('refs/') &&
    name !== 'HEAD' &&
    !FULL_COMMIT_ID.test(name) &&
    isRefNameShaped(`refs/${kind}/${name}`)
  );
}

/**
 * Branches, tags and squash (hf-protocol §3.10). Every change is a compare-and-swap on the ref, so
 * concurrent requests can never overwrite each other's result unnoticed.
 */
@Injectable()
export class RefsService {
  private readonly logger = new Logger(RefsService.name);

  constructor(
    private readonly repos: RepoService,
    private readonly gitStore: GitRepoStore,
    private readonly records: CommitRecordRepository,
    private readonly cardIndexer: RepoCardIndexer,
  ) {}

  async createBranch(user: AuthUser, target: RepoRef, branch: string, dto: CreateBranchDto): Promise<void> {
    const { repo, git } = await this.open(user, target);
    if (!isPlainRefName('heads', branch)) {
      throw new InvalidBranchNameError(branch);
    }
    const ref = `refs/heads/${branch}`;
    const start = dto.emptyBranch
      ? await this.emptyRootCommit(git, branch, commitIdentity(user.username))
      : await resolveRevision(git, dto.startingPoint ?? 'HEAD');
    const existing = await git.resolveCommit(ref);
    if (existing !== null && !dto.overwrite) {
      throw new RefExistsError(ref);
    }
    try {
      await git.updateRef(ref, start, existing);
    } catch (error) {
      if (error instanceof RefUpdateConflictError) {
        throw error.reason === 'name-conflict' ? error : new RefExistsError(ref);
      }
      throw error;
    }
    // Overwriting the default branch changes what the repository shows.
    await this.cardIndexer.refresh(repo, start);
  }

  async deleteBranch(user: AuthUser, target: RepoRef, branch: string): Promise<void> {
    const { repo, git } = await this.open(user, target);
    const name = branchNameOf(branch);
    if (name === null) {
      throw new RevisionNotFoundError(branch);
    }
    const defaultBranch = (await git.defaultBranch()) ?? repo.defaultBranch;
    if (name === defaultBranch || name === repo.defaultBranch) {
      throw new DefaultBranchDeletionError(name);
    }
    const head = await git.resolveCommit(`refs/heads/${name}`);
    if (head === null) {
      throw new RevisionNotFoundError(branch);
    }
    await this.deleteRef(git, `refs/heads/${name}`, head);
  }

  async createTag(user: AuthUser, target: RepoRef, revision: string, dto: CreateTagDto): Promise<void> {
    const { git } = await this.open(user, target);
    if (!isPlainRefName('tags', dto.tag)) {
      throw new InvalidTagNameError(dto.tag);
    }
    const ref = `refs/tags/${dto.tag}`;
    const commit = await resolveRevision(git, revision);
    if ((await this.findRef(git, ref)) !== null) {
      throw new RefExistsError(ref);
    }
    const object =
      dto.message === undefined
        ? commit
        : await git.writeAnnotatedTag(commit, dto.tag, dto.message, commitIdentity(user.username));
    try {
      await git.updateRef(ref, object, null);
    } catch (error) {
      if (error instanceof RefUpdateConflictError) {
        throw error.reason === 'name-conflict' ? error : new RefExistsError(ref);
      }
      throw error;
    }
  }

  async deleteTag(user: AuthUser, target: RepoRef, tag: string): Promise<void> {
    const { git } = await this.open(user, target);
    const ref = isPlainRefName('tags', tag) ? await this.findRef(git, `refs/tags/${tag}`) : null;
    if (ref === null) {
      throw new RevisionNotFoundError(tag);
    }
    await this.deleteRef(git, ref.name, ref.sha);
  }

  /** Replaces the branch's history with one parentless commit holding its current tree. */
  async superSquash(
    user: AuthUser,
    target: RepoRef,
    branch: string,
    dto: SuperSquashDto,
    baseUrl: string,
  ): Promise<SuperSquashResponseDto> {
    const { repo, git } = await this.open(user, target);
    const name = branchNameOf(branch);
    const ref = `refs/heads/${name}`;
    const message = dto.message?.trim() ? dto.message : `Super-squash branch '${name}' using huggingface_hub`;
    const identity = commitIdentity(user.username);
    for (let attempt = 1; ; attempt++) {
      const head = name === null ? null : await git.resolveCommit(ref);
      if (head === null) {
        throw new RevisionNotFoundError(branch);
      }
      const tree = await git.statPath(head, '');
      const squashed = await git.commitTree(tree?.sha ?? '', [], message, identity, identity);
      try {
        await git.updateRef(ref, squashed, head);
      } catch (error) {
        if (error instanceof RefUpdateConflictError && error.reason !== 'name-conflict') {
          if (attempt < MAX_SQUASH_ATTEMPTS) {
            continue;
          }
          throw new CommitContentionError(ref);
        }
        throw error;
      }
      await this.recordSquash(user, repo, squashed, ref, message);
      await this.cardIndexer.refresh(repo, squashed);
      return { commitOid: squashed, commitUrl: `${repoWebUrl(baseUrl, repo)}/commit/${squashed}` };
    }
  }

  private async open(user: AuthUser, target: RepoRef): Promise<{ repo: RepoRecord; git: GitRepository }> {
    const repo = await writableRepo(this.repos, user, target.type, target.namespace, target.name);
    return { repo, git: this.gitStore.open(repo.storageId) };
  }

  private async findRef(git: GitRepository, name: string): Promise<{ name: string; sha: string } | null> {
    const refs = await git.listRefs([name]);
    return refs.find((ref) => ref.name === name) ?? null;
  }

  private async deleteRef(git: GitRepository, ref: string, expected: string): Promise<void> {
    try {
      await git.deleteRef(ref, expected);
    } catch (error) {
      if (error instanceof RefUpdateConflictError) {
        throw new ConflictError(`${ref} was changed while it was being deleted; please try again`);
      }
      throw error;
    }
  }

  /** A root commit with an empty tree (git has no branch without a commit). */
  private async emptyRootCommit(git: GitRepository, branch: string, identity: GitIdentity): Promise<string> {
    const { commitSha } = await git.createCommit({
      parent: null,
      message: `Create empty branch ${branch}`,
      author: identity,
      committer: identity,
      changes: [],
    });
    return commitSha;
  }

  private async recordSquash(
    user: AuthUser,
    repo: RepoRecord,
    commitSha: string,
    ref: string,
    message: string,
  ): Promise<void> {
    try {
      await this.records.insert({
        repoId: repo.id,
        commitSha,
        ref,
        authorId: user.id,
        username: user.username,
        summary: message,
        description: '',
        lfsFiles: [],
      });
    } catch (error) {
      this.logger.error(
        { err: error, repo: repo.fullId, commit: commitSha, ref },
        'Squash published but its database record could not be written',
      );
    }
  }
}
