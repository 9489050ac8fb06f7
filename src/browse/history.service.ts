import { Injectable } from '@nestjs/common';
import { AuthUser } from 'src/common/auth-user';
import { GitRepoStore } from 'src/git/git-repo-store';
import { GitCommitInfo, GitRef } from 'src/git/git-repository';
import { RepoService } from 'src/repo/repo.service';
import { resolveRevision } from 'src/commit/commit-target';
import { CommitEntryDto, CommitsQueryDto, RefDto, RefsResponseDto } from 'src/browse/browse.dto';
import { CommitAuthor, CommitAuthorsRepository } from 'src/browse/commit-authors.repository';
import { cursorOffset, decodeCursor, Page } from 'src/browse/page-cursor';
import { pinnedCommit, readableRepo, RepoRef } from 'src/browse/readable-repo';

export const COMMITS_PAGE_SIZE = 50;

const PULL_REQUEST_REF = /^refs\/pr\/(\d+)$/;

/** Refs and commit history (hf-protocol §3.8, §3.9). */
@Injectable()
export class HistoryService {
  constructor(
    private readonly repos: RepoService,
    private readonly gitStore: GitRepoStore,
    private readonly authors: CommitAuthorsRepository,
  ) {}

  /** Branches, tags, conversions (always present, usually empty) and, when asked, pull requests. */
  async listRefs(user: AuthUser | undefined, target: RepoRef, includePullRequests: boolean): Promise<RefsResponseDto> {
    const { git } = await readableRepo(this.repos, this.gitStore, user, target);
    const refs = await git.listRefs([
      'refs/heads',
      'refs/tags',
      'refs/convert',
      ...(includePullRequests ? ['refs/pr'] : []),
    ]);
    const under = (prefix: string): RefDto[] =>
      refs
        .filter((ref): ref is GitRef & { commitSha: string } => ref.name.startsWith(prefix) && ref.commitSha !== null)
        .map((ref) => ({ name: ref.name.slice(prefix.length), ref: ref.name, targetCommit: ref.commitSha }));
    const result: RefsResponseDto = {
      branches: under('refs/heads/'),
      tags: under('refs/tags/'),
      converts: under('refs/convert/'),
    };
    if (includePullRequests) {
      result.pullRequests = refs
        .filter(
          (ref): ref is GitRef & { commitSha: string } => PULL_REQUEST_REF.test(ref.name) && ref.commitSha !== null,
        )
        .sort((a, b) => pullRequestNumber(a.name) - pullRequestNumber(b.name))
        .map((ref) => ({ name: ref.name, ref: ref.name, targetCommit: ref.commitSha }));
    }
    return result;
  }

  /**
   * One page of the history of `revision`, newest first, with the total number of commits. The
   * first page pins the commit, so later pages list the same history even if the branch moves.
   */
  async listCommits(
    user: AuthUser | undefined,
    target: RepoRef,
    revision: string,
    query: CommitsQueryDto,
    baseUrl: string,
  ): Promise<Page<CommitEntryDto>> {
    const { repo, git } = await readableRepo(this.repos, this.gitStore, user, target);
    const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const commitSha = cursor === null ? await resolveRevision(git, revision) : await pinnedCommit(git, cursor);
    const offset = cursor === null ? 0 : cursorOffset(cursor);
    const limit = query.limit ?? COMMITS_PAGE_SIZE;
    const [commits, totalCount] = await Promise.all([
      git.log(commitSha, { skip: offset, limit: limit + 1 }),
      git.countCommits(commitSha),
    ]);
    const page = commits.slice(0, limit);
    const authors = await this.authors.authorsByCommit(
      repo.id,
      page.map((commit) => commit.sha),
    );
    const isFormatted = query.expand?.includes('formatted') === true;
    return {
      items: page.map((commit) => toCommitEntry(commit, authors.get(commit.sha), baseUrl, isFormatted)),
      next: commits.length > limit ? { commitSha, position: String(offset + limit) } : null,
      totalCount,
    };
  }
}

function pullRequestNumber(ref: string): number {
  return Number(PULL_REQUEST_REF.exec(ref)?.[1] ?? 0);
}

function toCommitEntry(
  commit: GitCommitInfo,
  author: CommitAuthor | undefined,
  baseUrl: string,
  isFormatted: boolean,
): CommitEntryDto {
  const entry: CommitEntryDto = {
    id: commit.sha,
    title: commit.subject,
    message: commit.body,
    authors: [
      author === undefined
        ? { user: commit.authorName }
        : {
            user: author.username,
            ...(author.hasAvatar
              ? { avatar: `${baseUrl}/api/users/${encodeURIComponent(author.username)}/avatar` }
              : {}),
          },
    ],
    date: commit.committerDate.toISOString(),
  };
  if (isFormatted) {
    entry.formatted = { title: escapeHtml(commit.subject), message: formatMessage(commit.body) };
  }
  return entry;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Paragraphs (blank-line separated) as `<p>`, single line breaks as `<br>`, everything escaped. */
function formatMessage(message: string): string {
  return message
    .split(/\n{2,}/)
    .filter((paragraph) => paragraph.trim() !== '')
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('');
}
