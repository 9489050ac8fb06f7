import { randomBytes } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import {
  BadRequestError,
  EntryNotFoundError,
  InvalidPathError,
  RevisionNotFoundError,
} from 'src/common/errors/hub-error';
import { CatFilePool, GitObjectType } from 'src/git/cat-file-pool';
import { CACHED_BLOB_MAX_BYTES, GitObjectCache } from 'src/git/git-object-cache';
import { GitProcess } from 'src/git/git-process';
import { TreeProbe } from 'src/git/tree-probe';
import { nulTokens } from 'src/git/stream-tokens';
import {
  GitCommandError,
  GitObjectTypeError,
  InvalidGitIdError,
  InvalidRefNameError,
  InvalidRevisionError,
  RefConflictReason,
  RefUpdateConflictError,
} from 'src/git/git.errors';

export interface GitIdentity {
  name: string;
  email: string;
  date: Date;
}

export type GitFileMode = '100644' | '100755';
/** Modes a tree entry can be given from an existing blob: regular, executable, symlink. */
export type GitBlobMode = GitFileMode | '120000';

/**
 * One change in a commit, applied in order to the tree being built:
 * - `put`: write a file with the given bytes;
 * - `putExisting`: point a path at a blob already in the repository (from `writeBlob` or another commit);
 * - `copy`: copy a file or a whole folder of the tree being built (earlier changes included);
 * - `delete`: remove a file or a whole folder (a no-op if nothing is there).
 */
export type CommitChange =
  | { kind: 'put'; path: string; mode: GitFileMode; content: Buffer }
  | { kind: 'putExisting'; path: string; mode: GitBlobMode; blobSha: string }
  | { kind: 'copy'; from: string; to: string }
  | { kind: 'delete'; path: string };

export interface CreateCommitInput {
  /** The commit to build on, or null for a root commit. */
  parent: string | null;
  message: string;
  author: GitIdentity;
  committer: GitIdentity;
  changes: Iterable<CommitChange> | AsyncIterable<CommitChange>;
  /** Start from an empty tree instead of the parent's (the parent link is kept). */
  resetTree?: boolean;
}

export interface CreatedCommit {
  commitSha: string;
  treeSha: string;
}

export type GitTreeEntryType = 'blob' | 'tree' | 'commit';

export interface GitTreeEntry {
  /** Full path from the repository root. */
  path: string;
  mode: string;
  type: GitTreeEntryType;
  sha: string;
  /** Bytes, for blobs only. */
  size?: number;
}

export interface TreePageOptions {
  /** List the whole subtree (folders included) instead of the direct children. */
  recursive?: boolean;
  /**
   * Continue after this entry: the full path the previous page ended with. Pages resume from the
   * path rather than an offset, so later pages cost as much as the first one.
   */
  after?: string;
  /** At most this many entries (at least 1). */
  limit: number;
}

export interface GitTreePage {
  /** Entries of the page in git's order, sizes included for blobs; gitlinks (submodules) included too. */
  entries: GitTreeEntry[];
  /** True when the listing goes on after this page. */
  hasMore: boolean;
}

export interface GitRef {
  name: string;
  /** What the ref points at directly (a tag object for annotated tags). */
  sha: string;
  type: GitObjectType;
  /** The commit the ref finally designates (annotated tags peeled), or null if it is not a commit. */
  commitSha: string | null;
}

export interface GitHead {
  /** `refs/heads/main`, or null when HEAD is detached. */
  ref: string | null;
  branch: string | null;
  /** Null while the branch has no commit yet. */
  commitSha: string | null;
}

export interface GitCommitInfo {
  sha: string;
  parents: string[];
  tree: string;
  authorName: string;
  authorEmail: string;
  authorDate: Date;
  committerDate: Date;
  /** The first paragraph of the message, lines joined by spaces (git's `%s`). */
  subject: string;
  /** The rest of the message without trailing newlines (git's `%b`). */
  body: string;
}

export interface LogOptions {
  skip?: number;
  limit?: number;
  /** Only commits touching these files or folders. */
  paths?: readonly string[];
}

export interface GitBlob {
  size: number;
  /** Exactly `size` bytes; consume or destroy it. */
  body: Readable;
}

/** A revision resolved to its commit, with the commit's committer date. */
export interface ResolvedCommit {
  sha: string;
  committedAt: Date;
}

/** The object a path names in a commit. */
export interface PathObject {
  sha: string;
  type: GitObjectType;
  size: number;
}

export interface FsckResult {
  ok: boolean;
  output: string;
}

const OID_PATTERN = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const TEMP_REF_PREFIX = 'refs/kohaku/';
const MAX_PATH_BYTES = 4096;
const MAX_REF_LENGTH = 1024;
/** Above this many paths, `lastCommitForPaths` limits the walk by their parent folders instead. */
const MAX_PATHSPEC_ENTRIES = 64;
const LOG_FIELDS = ['%H', '%P', '%T', '%an', '%ae', '%at', '%ct', '%s', '%b'];
const LOG_FORMAT = LOG_FIELDS.join('%x00');
/** Starts each commit record in `--name-only` output; a file name can never begin with `/`. */
const RECORD_MARK = '/';
const REF_FORMAT = ['%(refname)', '%(objectname)', '%(objecttype)', '%(*objectname)', '%(*objecttype)'].join('%00');
const ALL_EXIT_CODES = Array.from({ length: 256 }, (_, code) => code);

/**
 * Plumbing for one bare repository. Every id and name that reaches git is validated first, so no
 * caller-provided string can be read as an option or as pathspec magic.
 */
export class GitRepository {
  constructor(
    readonly gitDir: string,
    private readonly git: GitProcess,
    private readonly catFiles: CatFilePool,
    private readonly cache: GitObjectCache,
  ) {}

  /** The commit a revision designates, or null if it does not resolve to one. */
  async resolveCommit(rev: string): Promise<string | null> {
    assertRevision(rev);
    const { stdout } = await this.git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], {
      gitDir: this.gitDir,
      okExitCodes: [0, 1],
    });
    const sha = stdout.toString('utf8').trim();
    return sha === '' ? null : sha;
  }

  /** Refs under the given prefixes (all refs when none), without the hub's private temporary refs. */
  async listRefs(prefixes: readonly string[] = []): Promise<GitRef[]> {
    const patterns = prefixes.map((prefix) => {
      const pattern = prefix.replace(/\/+$/, '');
      if (!pattern.startsWith('refs') || !isRefNameShaped(pattern)) {
        throw new InvalidRefNameError(prefix);
      }
      return pattern;
    });
    const text = await this.git.runText(['for-each-ref', `--format=${REF_FORMAT}`, ...patterns], {
      gitDir: this.gitDir,
      maxOutputBytes: 256 * 1024 * 1024,
    });
    const refs: GitRef[] = [];
    const nestedTags: GitRef[] = [];
    for (const line of text.split('\n')) {
      if (line === '') {
        continue;
      }
      const [name, sha, type, peeledSha, peeledType] = line.split('\0');
      if (name.startsWith(TEMP_REF_PREFIX)) {
        continue;
      }
      const ref: GitRef = { name, sha, type: type as GitObjectType, commitSha: null };
      if (type === 'commit') {
        ref.commitSha = sha;
      } else if (type === 'tag' && peeledType === 'commit') {
        ref.commitSha = peeledSha;
      } else if (type === 'tag' && peeledType === 'tag') {
        nestedTags.push(ref);
      }
      refs.push(ref);
    }
    await this.peelNestedTags(nestedTags);
    return refs;
  }

  async readHead(): Promise<GitHead> {
    const ref = await this.headRef();
    return {
      ref,
      branch: ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null,
      commitSha: await this.resolveCommit('HEAD'),
    };
  }

  /** The branch HEAD names (`main` for a new repository), or null when HEAD is detached. */
  async defaultBranch(): Promise<string | null> {
    const ref = await this.headRef();
    return ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
  }

  /**
   * Compare-and-swap: moves `ref` to `newSha` only if it currently holds `expectedOldSha`, or does
   * not exist when `expectedOldSha` is null. Losing the race throws `RefUpdateConflictError`.
   */
  async updateRef(ref: string, newSha: string, expectedOldSha: string | null): Promise<void> {
    await this.assertRefName(ref);
    assertOid(newSha, 'commit id');
    if (expectedOldSha !== null) {
      assertOid(expectedOldSha, 'commit id');
    }
    const oldValue = expectedOldSha ?? '0'.repeat(newSha.length);
    await this.runRefUpdate(ref, ['update-ref', '--no-deref', ref, newSha, oldValue]);
  }

  /** Deletes `ref` only if it currently holds `expectedOldSha`; otherwise `RefUpdateConflictError`. */
  async deleteRef(ref: string, expectedOldSha: string): Promise<void> {
    await this.assertRefName(ref);
    // git treats an all-zero old value as "no check" when deleting, which would defeat the CAS.
    if (/^0+$/.test(expectedOldSha)) {
      throw new InvalidGitIdError('expected commit id');
    }
    assertOid(expectedOldSha, 'commit id');
    await this.runRefUpdate(ref, ['update-ref', '--no-deref', '-d', ref, expectedOldSha]);
  }

  /**
   * Builds one commit with a single `git fast-import` run, streaming the changes to it. The commit
   * is written under a private temporary ref that is removed again; publishing it on a branch is
   * the caller's `updateRef`. A failed or interrupted import leaves no ref behind.
   */
  async createCommit(input: CreateCommitInput): Promise<CreatedCommit> {
    if (input.parent !== null) {
      assertOid(input.parent, 'parent commit id');
    }
    assertMessage(input.message);
    const tempRef = `${TEMP_REF_PREFIX}tmp/${randomBytes(12).toString('hex')}`;
    const commands = Readable.from(fastImportCommands(tempRef, input), { objectMode: false });
    try {
      await this.git.run(['fast-import', '--quiet', '--done', '--date-format=raw'], {
        gitDir: this.gitDir,
        stdin: commands,
      });
      const [commitSha, treeSha] = (
        await this.git.runText(['rev-parse', tempRef, `${tempRef}^{tree}`], {
          gitDir: this.gitDir,
        })
      )
        .trim()
        .split('\n');
      return { commitSha, treeSha };
    } catch (error) {
      await this.removeCrashReports();
      throw translateFastImportError(error);
    } finally {
      commands.destroy();
      // The temporary ref is hidden from clients and from listRefs, so a failed cleanup is harmless.
      await this.git.run(['update-ref', '--no-deref', '-d', tempRef], { gitDir: this.gitDir }).catch(() => undefined);
    }
  }

  /** A commit object for an existing tree (squash, merges), written with `git commit-tree`. */
  async commitTree(
    treeSha: string,
    parents: readonly string[],
    message: string,
    author: GitIdentity,
    committer: GitIdentity,
  ): Promise<string> {
    assertOid(treeSha, 'tree id');
    parents.forEach((parent) => assertOid(parent, 'parent commit id'));
    assertMessage(message);
    const authorIdent = identity(author);
    const committerIdent = identity(committer);
    const text = await this.git.runText(['commit-tree', treeSha, ...parents.flatMap((parent) => ['-p', parent])], {
      gitDir: this.gitDir,
      stdin: Buffer.from(message, 'utf8'),
      env: {
        GIT_AUTHOR_NAME: authorIdent.name,
        GIT_AUTHOR_EMAIL: authorIdent.email,
        GIT_AUTHOR_DATE: `@${authorIdent.seconds} +0000`,
        GIT_COMMITTER_NAME: committerIdent.name,
        GIT_COMMITTER_EMAIL: committerIdent.email,
        GIT_COMMITTER_DATE: `@${committerIdent.seconds} +0000`,
      },
    });
    return text.trim();
  }

  /**
   * An annotated tag object naming `commitSha`, written with `git mktag` (which checks its format).
   * Returns the tag object's id; pointing `refs/tags/<tag>` at it is the caller's `updateRef`.
   */
  async writeAnnotatedTag(commitSha: string, tag: string, message: string, tagger: GitIdentity): Promise<string> {
    assertOid(commitSha, 'commit id');
    if (!isRefNameShaped(`refs/tags/${tag}`)) {
      throw new InvalidRefNameError(tag);
    }
    const body = message.replace(/\0/g, '');
    const text =
      `object ${commitSha}\ntype commit\ntag ${tag}\ntagger ${identLine(tagger)}\n\n` +
      `${body}${body.endsWith('\n') ? '' : '\n'}`;
    const output = await this.git.runText(['mktag'], { gitDir: this.gitDir, stdin: text });
    return output.trim();
  }

  /** Looks up many paths of one commit through one long-lived process; close it when done. */
  probeTree(commitSha: string): TreeProbe {
    assertOid(commitSha, 'commit id');
    return new TreeProbe(this.git, this.gitDir, commitSha);
  }

  /** Stores one blob (streamed from a Readable, or from a Buffer) and returns its id. */
  async writeBlob(content: Buffer | Readable): Promise<string> {
    const text = await this.git.runText(['hash-object', '-w', '--stdin'], { gitDir: this.gitDir, stdin: content });
    return text.trim();
  }

  /**
   * The entries of a folder at a commit (`''` is the root), with sizes for blobs. `recursive` lists
   * the whole subtree, folders included. Null when the path does not exist or is not a folder.
   */
  async lsTree(commitSha: string, path: string, options: { recursive?: boolean } = {}): Promise<GitTreeEntry[] | null> {
    assertOid(commitSha, 'commit id');
    const folder = checkPath(path, { allowRoot: true });
    const treeish = folder === '' ? commitSha : `${commitSha}:${folder}`;
    let stdout: Buffer;
    try {
      ({ stdout } = await this.git.run(
        ['ls-tree', '-z', '--long', ...(options.recursive ? ['-r', '-t'] : []), treeish],
        { gitDir: this.gitDir, maxOutputBytes: 512 * 1024 * 1024 },
      ));
    } catch (error) {
      if (isMissingTree(error)) {
        return null;
      }
      throw error;
    }
    const prefix = folder === '' ? '' : `${folder}/`;
    return splitNulRecords(stdout).map((record) => parseTreeRecord(record, prefix));
  }

  /** The entry at a path in a commit (the root is a `tree` entry with path `''`), or null. */
  async statPath(commitSha: string, path: string): Promise<GitTreeEntry | null> {
    assertOid(commitSha, 'commit id');
    const target = checkPath(path, { allowRoot: true });
    if (target === '') {
      const tree = await this.resolveTree(commitSha);
      return tree === null ? null : { path: '', mode: '040000', type: 'tree', sha: tree };
    }
    let stdout: Buffer;
    try {
      ({ stdout } = await this.git.run(['ls-tree', '-z', '--long', commitSha, '--', target], {
        gitDir: this.gitDir,
      }));
    } catch (error) {
      if (isMissingTree(error)) {
        return null;
      }
      throw error;
    }
    const entries = splitNulRecords(stdout).map((record) => parseTreeRecord(record, ''));
    return entries.find((entry) => entry.path === target) ?? null;
  }

  /**
   * One page of `lsTree`, streamed out of git and cut off once the page is full, so a page of a
   * folder with a million entries never holds more than the page in memory. A page that continues
   * `after` an entry reads only the folders on that entry's path (for the names that follow it)
   * and then lists just those names: it never re-lists what earlier pages returned. Null when the
   * path does not exist or is not a folder.
   */
  async lsTreePage(commitSha: string, path: string, options: TreePageOptions): Promise<GitTreePage | null> {
    assertOid(commitSha, 'commit id');
    const folder = checkPath(path, { allowRoot: true });
    const limit = nonNegative(options.limit);
    if (limit === 0) {
      throw new BadRequestError('A page holds at least one entry');
    }
    const isRecursive = options.recursive === true;
    const entries =
      options.after === undefined
        ? await this.streamTreeEntries(commitSha, folder, [], isRecursive, limit + 1)
        : await this.treeEntriesAfter(commitSha, folder, checkPath(options.after), isRecursive, limit + 1);
    return entries === null ? null : { entries: entries.slice(0, limit), hasMore: entries.length > limit };
  }

  /** A blob's content as a stream of exactly `size` bytes, or null if the repository lacks it. */
  async readBlob(sha: string): Promise<GitBlob | null> {
    const object = await this.catFiles.readObject(this.gitDir, sha);
    if (object === null) {
      return null;
    }
    if (object.type !== 'blob') {
      object.body.resume();
      await finished(object.body);
      throw new GitObjectTypeError(sha, 'blob', object.type);
    }
    return { size: object.size, body: object.body };
  }

  /** Type and size of an object without reading it, or null if the repository lacks it. */
  async readBlobHeader(sha: string): Promise<{ type: GitObjectType; size: number } | null> {
    const header = await this.catFiles.readObjectHeader(this.gitDir, sha);
    return header === null ? null : { type: header.type, size: header.size };
  }

  /**
   * A blob's content from a `git cat-file blob` process of its own rather than a pooled one, so a
   * slow reader (a client downloading) never holds up the repository's other reads. No time limit:
   * the process lives as long as the stream; destroying the stream ends it, and the stream fails
   * if git does (a missing blob, for example).
   */
  streamBlob(sha: string): Readable {
    assertOid(sha, 'blob id');
    return this.git.stream(['cat-file', 'blob', sha], { gitDir: this.gitDir, timeoutMs: 0 }).stdout;
  }

  /**
   * What `resolveCommit` answers, plus the commit date, from the pooled `cat-file` processes: a
   * pipe round trip instead of a `rev-parse` process, for hot paths such as resolve (the date of a
   * commit seen before costs nothing more). Null when `rev` does not name a commit.
   */
  async lookupCommit(rev: string): Promise<ResolvedCommit | null> {
    assertRevision(rev);
    const header = await this.catFiles.readObjectHeaderByName(this.gitDir, `${rev}^{commit}`);
    if (header === null) {
      return null;
    }
    const key = this.cacheKey(header.oid);
    let committedAt = this.cache.commitDates.get(key);
    if (committedAt === undefined) {
      const object = await this.catFiles.readObject(this.gitDir, header.oid);
      if (object === null) {
        return null;
      }
      committedAt = await committerDateOf(object.body);
      this.cache.commitDates.set(key, committedAt);
    }
    return { sha: header.oid, committedAt };
  }

  /**
   * The object at `path` in a commit (blob, tree or submodule commit), from the pooled `cat-file`
   * processes, or null when nothing is there. Symbolic links are not followed.
   */
  async lookupPath(commitSha: string, path: string): Promise<PathObject | null> {
    assertOid(commitSha, 'commit id');
    checkPath(path);
    if (/[\n\r]/.test(path)) {
      throw new InvalidPathError(JSON.stringify(path).slice(1, -1), 'must not contain line breaks');
    }
    const key = this.cacheKey(commitSha, path);
    const cached = this.cache.paths.get(key);
    if (cached !== undefined) {
      return cached;
    }
    const header = await this.catFiles.readObjectHeaderByName(this.gitDir, `${commitSha}:${path}`);
    const object = header === null ? null : { sha: header.oid, type: header.type, size: header.size };
    this.cache.paths.set(key, object);
    return object;
  }

  /**
   * The content of a small blob (`.gitattributes`, `.gitignore`, LFS pointers), or null when the
   * repository lacks it or it is bigger than `maxBytes` (then it is not read at all). The buffer
   * may be shared: callers must not modify it.
   */
  async readSmallBlob(sha: string, maxBytes: number): Promise<Buffer | null> {
    const key = this.cacheKey(sha);
    const cached = this.cache.smallBlobs.get(key);
    if (cached !== undefined) {
      return cached.length <= maxBytes ? cached : null;
    }
    const blob = await this.readBlob(sha);
    if (blob === null) {
      return null;
    }
    if (blob.size > maxBytes) {
      blob.body.destroy();
      return null;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of blob.body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
    }
    const content = Buffer.concat(chunks, blob.size);
    if (content.length <= CACHED_BLOB_MAX_BYTES) {
      this.cache.smallBlobs.set(key, content);
    }
    return content;
  }

  private cacheKey(...parts: string[]): string {
    return [this.gitDir, ...parts].join('\0');
  }

  /** Commits reachable from `rev`, newest first. Throws `RevisionNotFoundError` if `rev` does not resolve. */
  async log(rev: string, options: LogOptions = {}): Promise<GitCommitInfo[]> {
    assertRevision(rev);
    const paths = (options.paths ?? []).map((path) => checkPath(path, { allowRoot: true }));
    const args = ['log', '-z', `--format=${LOG_FORMAT}`, `--skip=${nonNegative(options.skip ?? 0)}`];
    if (options.limit !== undefined) {
      args.push(`--max-count=${nonNegative(options.limit)}`);
    }
    args.push('--end-of-options', rev, '--', ...pathspecOf(paths));
    let stdout: Buffer;
    try {
      ({ stdout } = await this.git.run(args, { gitDir: this.gitDir, maxOutputBytes: 256 * 1024 * 1024 }));
    } catch (error) {
      throw translateRevisionError(error, rev);
    }
    const fields = stdout.toString('utf8').split('\0');
    const commits: GitCommitInfo[] = [];
    for (let start = 0; start + LOG_FIELDS.length <= fields.length; start += LOG_FIELDS.length) {
      commits.push(toCommitInfo(fields.slice(start, start + LOG_FIELDS.length)));
    }
    return commits;
  }

  async countCommits(rev: string, paths: readonly string[] = []): Promise<number> {
    assertRevision(rev);
    const checked = paths.map((path) => checkPath(path, { allowRoot: true }));
    try {
      const text = await this.git.runText(
        ['rev-list', '--count', '--end-of-options', rev, '--', ...pathspecOf(checked)],
        { gitDir: this.gitDir },
      );
      return Number(text.trim());
    } catch (error) {
      throw translateRevisionError(error, rev);
    }
  }

  /**
   * The newest commit reachable from `rev` that touched each path (a file, or anything inside a
   * folder), as `git log -1 -- <path>` would answer, from a single history walk that stops as soon
   * as every path is answered. Paths never touched are absent from the map.
   */
  async lastCommitForPaths(rev: string, paths: readonly string[]): Promise<Map<string, GitCommitInfo>> {
    assertRevision(rev);
    const pending = new Set(paths.map((path) => checkPath(path, { allowRoot: true })));
    const found = new Map<string, GitCommitInfo>();
    if (pending.size === 0) {
      return found;
    }
    const stream = this.git.stream(
      [
        'log',
        '-z',
        '--name-only',
        '--cc',
        '--no-renames',
        `--format=${RECORD_MARK}${LOG_FORMAT}`,
        '--end-of-options',
        rev,
        '--',
        ...narrowPathspec(pending),
      ],
      { gitDir: this.gitDir },
    );
    try {
      let header: string[] | null = null;
      let commit: GitCommitInfo | null = null;
      let isFirstName = false;
      for await (const rawToken of nulTokens(stream.stdout)) {
        if (header !== null) {
          header.push(rawToken);
          if (header.length === LOG_FIELDS.length) {
            commit = toCommitInfo(header);
            header = null;
            isFirstName = true;
          }
          continue;
        }
        if (rawToken.startsWith(RECORD_MARK)) {
          header = [rawToken.slice(RECORD_MARK.length)];
          commit = null;
          continue;
        }
        // git separates a commit's header from its file list with "\n" (or, for merges, an empty field).
        const name = isFirstName && rawToken.startsWith('\n') ? rawToken.slice(1) : rawToken;
        isFirstName = false;
        if (commit === null || name === '') {
          continue;
        }
        for (const candidate of selfAndAncestors(name)) {
          if (pending.delete(candidate)) {
            found.set(candidate, commit);
          }
        }
        if (pending.size === 0) {
          break;
        }
      }
      await stream.exit;
    } catch (error) {
      stream.kill();
      throw translateRevisionError(error, rev);
    }
    return found;
  }

  async fsck(): Promise<FsckResult> {
    const result = await this.git.run(['fsck', '--no-progress', '--no-dangling'], {
      gitDir: this.gitDir,
      okExitCodes: ALL_EXIT_CODES,
    });
    return { ok: result.exitCode === 0, output: `${result.stdout.toString('utf8')}${result.stderr}` };
  }

  /**
   * Packs loose objects and the many small packs fast-import leaves once git's own thresholds
   * say it is worth it (`git gc --auto`); cheap when there is nothing to do. Meant for a
   * background job, never the request path.
   */
  async optimize(): Promise<void> {
    await this.git.run(['gc', '--auto', '--quiet'], { gitDir: this.gitDir });
  }

  /**
   * Up to `max` entries of `ls-tree` on a folder (`''` is the root), limited to the given names of
   * that folder when there are any, in git's order. Null when the folder does not exist.
   */
  private async streamTreeEntries(
    commitSha: string,
    folder: string,
    names: readonly string[],
    isRecursive: boolean,
    max: number,
  ): Promise<GitTreeEntry[] | null> {
    const treeish = folder === '' ? commitSha : `${commitSha}:${folder}`;
    const prefix = folder === '' ? '' : `${folder}/`;
    const pathspec = names.length === 0 ? [] : ['--', ...names];
    const stream = this.git.stream(
      ['ls-tree', '-z', '--long', ...(isRecursive ? ['-r', '-t'] : []), treeish, ...pathspec],
      {
        gitDir: this.gitDir,
      },
    );
    const entries: GitTreeEntry[] = [];
    try {
      for await (const record of nulTokens(stream.stdout)) {
        entries.push(parseTreeRecord(record, prefix));
        if (entries.length >= max) {
          break;
        }
      }
    } catch (error) {
      stream.kill();
      if (isMissingTree(error)) {
        return null;
      }
      throw error;
    }
    // Ends git when the listing was cut short; a no-op once it has exited.
    stream.kill();
    await stream.exit;
    return entries;
  }

  /**
   * Up to `max` entries of the listing of `folder` that follow the entry `after`: in recursive
   * listings, the contents of `after` when it is a folder, then for each folder on its path from
   * the deepest up, the names after the one on the path.
   */
  private async treeEntriesAfter(
    commitSha: string,
    folder: string,
    after: string,
    isRecursive: boolean,
    max: number,
  ): Promise<GitTreeEntry[]> {
    const inside = folder === '' ? after : after.startsWith(`${folder}/`) ? after.slice(folder.length + 1) : null;
    const parts = inside?.split('/') ?? [];
    if (inside === null || (!isRecursive && parts.length > 1)) {
      throw new BadRequestError(`Cannot continue a listing of "${folder}" after "${after}", which is not in it`);
    }
    const entries: GitTreeEntry[] = [];
    for (let depth = parts.length; depth >= 1 && entries.length < max; depth--) {
      const parent = [folder, ...parts.slice(0, depth - 1)].filter((part) => part !== '').join('/');
      const name = parts[depth - 1];
      const following = await this.namesAfter(commitSha, parent, name, max - entries.length);
      if (following === null) {
        throw new BadRequestError(`Cannot continue a listing after "${after}": this commit has no such entry`);
      }
      if (depth === parts.length && isRecursive && following.isTree) {
        const below = await this.streamTreeEntries(commitSha, after, [], true, max - entries.length);
        entries.push(...(below ?? []));
      }
      if (following.names.length > 0 && entries.length < max) {
        const rest = await this.streamTreeEntries(
          commitSha,
          parent,
          following.names,
          isRecursive,
          max - entries.length,
        );
        entries.push(...(rest ?? []));
      }
    }
    return entries;
  }

  /**
   * Reads a folder's tree object up to the entry `name` and returns up to `max` names after it,
   * and whether `name` is itself a folder; null when the folder or the entry does not exist.
   */
  private async namesAfter(
    commitSha: string,
    folder: string,
    name: string,
    max: number,
  ): Promise<{ isTree: boolean; names: string[] } | null> {
    const treeish = folder === '' ? `${commitSha}^{tree}` : `${commitSha}:${folder}`;
    const stream = this.git.stream(['cat-file', 'tree', treeish], { gitDir: this.gitDir });
    const target = Buffer.from(name, 'utf8');
    let found: { isTree: boolean; names: string[] } | null = null;
    try {
      for await (const entry of treeObjectEntries(stream.stdout, commitSha.length / 2)) {
        if (found !== null) {
          found.names.push(entry.name.toString('utf8'));
          if (found.names.length >= max) {
            break;
          }
        } else if (entry.name.equals(target)) {
          found = { isTree: entry.mode === '40000', names: [] };
        }
      }
    } catch (error) {
      stream.kill();
      if (error instanceof GitCommandError) {
        return null;
      }
      throw error;
    }
    stream.kill();
    await stream.exit;
    return found;
  }

  private async headRef(): Promise<string | null> {
    const text = await this.git.runText(['symbolic-ref', '--quiet', 'HEAD'], {
      gitDir: this.gitDir,
      okExitCodes: [0, 1],
    });
    return text.trim() || null;
  }

  private async resolveTree(commitSha: string): Promise<string | null> {
    const text = await this.git.runText(
      ['rev-parse', '--verify', '--quiet', '--end-of-options', `${commitSha}^{tree}`],
      {
        gitDir: this.gitDir,
        okExitCodes: [0, 1],
      },
    );
    return text.trim() || null;
  }

  /** Annotated tags of annotated tags are rare; they are peeled fully with one extra process. */
  private async peelNestedTags(refs: GitRef[]): Promise<void> {
    if (refs.length === 0) {
      return;
    }
    const input = refs.map((ref) => `${ref.sha}^{commit}\n`).join('');
    const text = await this.git.runText(['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
      gitDir: this.gitDir,
      stdin: input,
    });
    text
      .split('\n')
      .slice(0, refs.length)
      .forEach((line, index) => {
        const [sha, type] = line.split(' ');
        refs[index].commitSha = type === 'commit' ? sha : null;
      });
  }

  private async assertRefName(ref: string): Promise<void> {
    if (!ref.startsWith('refs/') || ref.startsWith(TEMP_REF_PREFIX) || !isRefNameShaped(ref)) {
      throw new InvalidRefNameError(ref);
    }
    const { exitCode } = await this.git.run(['check-ref-format', ref], { okExitCodes: [0, 1] });
    if (exitCode !== 0) {
      throw new InvalidRefNameError(ref);
    }
  }

  private async runRefUpdate(ref: string, args: string[]): Promise<void> {
    try {
      await this.git.run(args, { gitDir: this.gitDir });
    } catch (error) {
      const reason = error instanceof GitCommandError ? refConflictReason(error.stderr) : null;
      if (reason !== null) {
        throw new RefUpdateConflictError(ref, reason, { cause: error });
      }
      throw error;
    }
  }

  /** fast-import writes a crash report into the repository whenever it dies; they are noise here. */
  private async removeCrashReports(): Promise<void> {
    try {
      const names = await readdir(this.gitDir);
      await Promise.all(
        names
          .filter((name) => name.startsWith('fast_import_crash_'))
          .map((name) => unlink(join(this.gitDir, name)).catch(() => undefined)),
      );
    } catch {
      // The repository itself may be gone; the original error is what matters.
    }
  }
}

/** True for strings git could read as a ref name or an abbreviated object id (the rules of `check-ref-format`). */
export function isRefNameShaped(name: string): boolean {
  if (name.length === 0 || name.length > MAX_REF_LENGTH || name === '@') {
    return false;
  }
  if (name.startsWith('-') || name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) {
    return false;
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name) || name.includes('..') || name.includes('@{') || name.includes('//')) {
    return false;
  }
  // A leading "-" is legal for check-ref-format but not for branch names, and would read as an option.
  return name.split('/').every((part) => !part.startsWith('.') && !part.startsWith('-') && !part.endsWith('.lock'));
}

/** Refuses anything git could take as an option or a revision expression (argument injection guard). */
export function assertRevision(rev: string): void {
  if (typeof rev !== 'string' || !isRefNameShaped(rev)) {
    throw new InvalidRevisionError(String(rev));
  }
}

/**
 * Validates a repository path (`''` only where the root is allowed): relative, `/`-separated, no
 * empty, `.` or `..` segments, no `.git` segment (git refuses to check those out), no NUL.
 */
export function checkPath(path: string, options: { allowRoot?: boolean } = {}): string {
  if (typeof path !== 'string') {
    throw new InvalidPathError(String(path), 'must be a string');
  }
  if (path === '') {
    if (options.allowRoot) {
      return path;
    }
    throw new InvalidPathError(path, 'must not be empty');
  }
  if (path.includes('\0')) {
    throw new InvalidPathError(path, 'must not contain NUL');
  }
  if (Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES) {
    throw new InvalidPathError(path, `must be at most ${MAX_PATH_BYTES} bytes`);
  }
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new InvalidPathError(path, 'must be relative, without empty, "." or ".." segments');
    }
    if (segment.toLowerCase() === '.git') {
      throw new InvalidPathError(path, 'must not contain a ".git" segment');
    }
  }
  return path;
}

function assertOid(value: string, kind: string): void {
  if (typeof value !== 'string' || !OID_PATTERN.test(value)) {
    throw new InvalidGitIdError(kind);
  }
}

function assertMessage(message: string): void {
  if (typeof message !== 'string' || message.includes('\0')) {
    throw new BadRequestError('Commit message must be text without NUL characters');
  }
}

function nonNegative(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new BadRequestError(`Expected a non-negative integer, got ${value}`);
  }
  return value;
}

interface CleanIdentity {
  name: string;
  email: string;
  seconds: number;
}

/** Characters that would break the `Name <email> date` ident line are dropped, as git itself does. */
function identity(who: GitIdentity): CleanIdentity {
  const clean = (value: string): string => value.replace(/[<>\n\r\0]/g, '').trim();
  const email = clean(who.email ?? '');
  const name = clean(who.name ?? '') || email.split('@')[0] || 'unknown';
  const millis = who.date instanceof Date ? who.date.getTime() : Number.NaN;
  if (!Number.isFinite(millis) || millis < 0) {
    throw new BadRequestError('Commit dates must be valid and not before 1970');
  }
  return { name, email, seconds: Math.floor(millis / 1000) };
}

function identLine(who: GitIdentity): string {
  const { name, email, seconds } = identity(who);
  return `${name} <${email}> ${seconds} +0000`;
}

/**
 * C-style quoting as fast-import reads it, applied to every path so spaces, quotes, newlines and
 * leading quotes are unambiguous; UTF-8 passes through unchanged.
 */
export function quoteFastImportPath(path: string): string {
  let quoted = '"';
  for (const char of path) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') {
      quoted += `\\${char}`;
    } else if (char === '\n') {
      quoted += '\\n';
    } else if (code < 0x20 || code === 0x7f) {
      quoted += `\\${code.toString(8).padStart(3, '0')}`;
    } else {
      quoted += char;
    }
  }
  return `${quoted}"`;
}

function dataCommand(content: Buffer): Buffer[] {
  return [Buffer.from(`data ${content.length}\n`), content, Buffer.from('\n')];
}

async function* fastImportCommands(tempRef: string, input: CreateCommitInput): AsyncGenerator<Buffer> {
  const header = [`commit ${tempRef}`, `author ${identLine(input.author)}`, `committer ${identLine(input.committer)}`];
  yield Buffer.from(`${header.join('\n')}\n`);
  yield* dataCommand(Buffer.from(input.message, 'utf8'));
  if (input.parent !== null) {
    yield Buffer.from(`from ${input.parent}\n`);
  }
  if (input.resetTree) {
    yield Buffer.from('deleteall\n');
  }
  for await (const change of input.changes as AsyncIterable<CommitChange>) {
    yield* changeCommand(change);
  }
  yield Buffer.from('done\n');
}

function changeCommand(change: CommitChange): Buffer[] {
  switch (change.kind) {
    case 'put': {
      if (change.mode !== '100644' && change.mode !== '100755') {
        throw new BadRequestError(`Unsupported file mode ${String(change.mode)}`);
      }
      if (!Buffer.isBuffer(change.content)) {
        throw new BadRequestError('File content must be a Buffer');
      }
      const path = quoteFastImportPath(checkPath(change.path));
      return [Buffer.from(`M ${change.mode} inline ${path}\n`), ...dataCommand(change.content)];
    }
    case 'putExisting': {
      if (change.mode !== '100644' && change.mode !== '100755' && change.mode !== '120000') {
        throw new BadRequestError(`Unsupported file mode ${String(change.mode)}`);
      }
      assertOid(change.blobSha, 'blob id');
      return [Buffer.from(`M ${change.mode} ${change.blobSha} ${quoteFastImportPath(checkPath(change.path))}\n`)];
    }
    case 'copy':
      return [
        Buffer.from(`C ${quoteFastImportPath(checkPath(change.from))} ${quoteFastImportPath(checkPath(change.to))}\n`),
      ];
    case 'delete':
      return [Buffer.from(`D ${quoteFastImportPath(checkPath(change.path))}\n`)];
    default:
      throw new BadRequestError(`Unknown change kind ${String((change as { kind: unknown }).kind)}`);
  }
}

function translateFastImportError(error: unknown): unknown {
  if (error instanceof GitCommandError) {
    const missing = /fatal: Path (.*) not in branch/.exec(error.stderr);
    if (missing) {
      return new EntryNotFoundError(`Cannot copy ${missing[1]}: no such file or folder`, { cause: error });
    }
  }
  return error;
}

function refConflictReason(stderr: string): RefConflictReason | null {
  if (!stderr.includes('cannot lock ref')) {
    return null;
  }
  if (/\.lock': File exists/.test(stderr)) {
    return 'locked';
  }
  if (/exists; cannot create|cannot process '.*' and '.*' at the same time/.test(stderr)) {
    return 'name-conflict';
  }
  return 'stale';
}

/** ls-tree's answers for a commit or folder that does not exist, or a path that is a file. */
function isMissingTree(error: unknown): boolean {
  return error instanceof GitCommandError && /Not a valid object name|not a tree object/i.test(error.stderr);
}

function translateRevisionError(error: unknown, rev: string): unknown {
  if (
    error instanceof GitCommandError &&
    /bad revision|unknown revision|ambiguous argument|bad object|Invalid revision range/i.test(error.stderr)
  ) {
    return new RevisionNotFoundError(rev, { cause: error });
  }
  return error;
}

/** `--` separated pathspecs; the root means "everything", i.e. no pathspec. */
function pathspecOf(paths: readonly string[]): string[] {
  return paths.includes('') ? [] : [...paths];
}

/** Limits a history walk to the requested paths, or to their parent folders when there are many. */
function narrowPathspec(paths: Set<string>): string[] {
  if (paths.has('')) {
    return [];
  }
  if (paths.size <= MAX_PATHSPEC_ENTRIES) {
    return [...paths];
  }
  const parents = new Set([...paths].map((path) => path.slice(0, Math.max(0, path.lastIndexOf('/')))));
  return parents.has('') || parents.size > MAX_PATHSPEC_ENTRIES ? [] : [...parents];
}

/** `a/b/c` → `a/b/c`, `a/b`, `a`, `''`: a change to a file touches every folder above it. */
function selfAndAncestors(path: string): string[] {
  const result = [path];
  for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
    result.push(path.slice(0, slash));
  }
  result.push('');
  return result;
}

/** Signed commits carry their signature in the header; anything longer is not a commit git wrote. */
const MAX_COMMIT_HEADER_CHARS = 256 * 1024;

/**
 * The committer date of a raw commit object, read from its header only: the rest (the message,
 * which may be long) is drained without being kept.
 */
async function committerDateOf(body: Readable): Promise<Date> {
  let header = '';
  let date: Date | null = null;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (date !== null) {
      continue;
    }
    header += chunk.toString('latin1');
    const match = /^committer .* (\d+) [+-]\d{4}$/m.exec(header);
    if (match !== null) {
      date = new Date(Number(match[1]) * 1000);
    } else if (header.includes('\n\n') || header.length > MAX_COMMIT_HEADER_CHARS) {
      date = new Date(0);
    }
  }
  return date ?? new Date(0);
}

function toCommitInfo(fields: string[]): GitCommitInfo {
  const [sha, parents, tree, authorName, authorEmail, authorTime, committerTime, subject, body] = fields;
  return {
    sha,
    parents: parents === '' ? [] : parents.split(' '),
    tree,
    authorName,
    authorEmail,
    authorDate: new Date(Number(authorTime) * 1000),
    committerDate: new Date(Number(committerTime) * 1000),
    subject,
    body: body.replace(/\n+$/, ''),
  };
}

function splitNulRecords(output: Buffer): string[] {
  const records: string[] = [];
  let start = 0;
  for (let end = output.indexOf(0, start); end >= 0; end = output.indexOf(0, start)) {
    records.push(output.toString('utf8', start, end));
    start = end + 1;
  }
  return records;
}

function parseTreeRecord(record: string, prefix: string): GitTreeEntry {
  const tab = record.indexOf('\t');
  const [mode, type, sha, size] = record.slice(0, tab).split(/ +/);
  const entry: GitTreeEntry = { path: prefix + record.slice(tab + 1), mode, type: type as GitTreeEntryType, sha };
  if (type === 'blob' && size !== '-') {
    entry.size = Number(size);
  }
  return entry;
}

/**
 * The entries of a raw tree object (`<mode> <name>\\0<binary id>`, as `git cat-file tree` prints
 * it), parsed as the stream arrives; names stay bytes so no entry is decoded twice.
 */
async function* treeObjectEntries(stream: Readable, idBytes: number): AsyncGenerator<{ mode: string; name: Buffer }> {
  let buffer: Buffer = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      const space = buffer.indexOf(0x20);
      const nul = space < 0 ? -1 : buffer.indexOf(0, space + 1);
      if (nul < 0 || buffer.length < nul + 1 + idBytes) {
        break;
      }
      yield { mode: buffer.toString('latin1', 0, space), name: buffer.subarray(space + 1, nul) };
      buffer = buffer.subarray(nul + 1 + idBytes);
    }
  }
}
