import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { BadRequestError } from 'src/common/errors/hub-error';
import { GitProcess, GitStream } from 'src/git/git-process';
import { nulTokens, textLines } from 'src/git/stream-tokens';

/** How many offending blobs a rejection names; the rest are counted. */
const MAX_LISTED = 20;
/** Small blobs are read back in groups of this many to be checked for LFS pointers. */
const POINTER_CHUNK = 2_000;
/** A commit message longer than this is cut in the database record (git keeps it whole). */
const MAX_RECORDED_MESSAGE_CHARS = 64 * 1024;
const OID_PATTERN = /^[0-9a-f]{40}$/;
const ZERO_OID = /^0{40}$/;
/** Folders git names its push quarantines: `objects/tmp_objdir-incoming-XXXXXX`. */
const QUARANTINE_NAME = /^tmp_objdir-incoming-[A-Za-z0-9]+$/;

export interface PushedBlob {
  sha: string;
  size: number;
  /** One path the blob appears at (the first git met). */
  path: string;
}

/** What a pointer file names: an LFS object by sha256 and size. */
export interface PointerTarget {
  oid: string;
  size: number;
}

export interface PushedPointer extends PointerTarget {
  /** One path the pointer appears at. */
  path: string;
}

/** How to tell a pointer file from other content; the LFS format stays outside the git adapter. */
export interface PointerFormat {
  /** Blobs larger than this are never pointers and are not read back. */
  maxBytes: number;
  parse(content: Buffer): PointerTarget | null;
}

export interface ScanLimits {
  /** A blob that is not a pointer and is larger than this is listed as oversized. */
  maxRegularBlobBytes: number;
  pointerFormat: PointerFormat;
}

/** What the objects of a push hold, as far as the hub's rules care. */
export interface PushObjectScan {
  /** Objects reachable from the new tips and from no existing ref. */
  objectCount: number;
  /** Bytes of those objects that are blobs (uncompressed). */
  blobBytes: number;
  /** The first regular blobs above the size limit; `oversizedCount` counts them all. */
  oversized: PushedBlob[];
  oversizedCount: number;
  /** Every new LFS pointer blob, by blob id. */
  pointers: Map<string, PushedPointer>;
}

export interface PushedCommit {
  sha: string;
  /** The ref whose update first made the commit reachable. */
  ref: string;
  summary: string;
  description: string;
  /** LFS pointers this commit adds or changes, by path. */
  lfsFiles: { path: string; oid: string; size: number }[];
}

export interface RefUpdate {
  oldSha: string;
  newSha: string;
  ref: string;
}

/** `<old> <new> <ref>` lines as git feeds them to `pre-receive` and `post-receive`. */
export function parseRefUpdates(text: string): RefUpdate[] {
  const updates: RefUpdate[] = [];
  for (const line of text.split('\n')) {
    if (line === '') {
      continue;
    }
    const [oldSha, newSha, ref, ...rest] = line.split(' ');
    if (rest.length > 0 || !OID_PATTERN.test(oldSha ?? '') || !OID_PATTERN.test(newSha ?? '') || !ref) {
      throw new BadRequestError(`Malformed ref update line: ${JSON.stringify(line.slice(0, 200))}`);
    }
    updates.push({ oldSha, newSha, ref });
  }
  return updates;
}

export function isDeletion(update: RefUpdate): boolean {
  return ZERO_OID.test(update.newSha);
}

/**
 * Reads the objects of a push while they are still in git's quarantine (the `pre-receive` hook
 * runs before they join the repository), so nothing the hub refuses ever becomes reachable. git
 * tells the hook where the quarantine is; the folder must be one of this repository's.
 */
export class GitPushInspector {
  private constructor(
    private readonly git: GitProcess,
    private readonly gitDir: string,
    private readonly env: Readonly<Record<string, string>>,
  ) {}

  /**
   * An inspector that sees the quarantined objects next to the repository's own. Refuses a
   * quarantine path that is not `<gitDir>/objects/tmp_objdir-incoming-*`. Without a quarantine
   * (git makes none when a push brings no pack, e.g. only deletions) it sees the repository alone.
   */
  static async open(git: GitProcess, gitDir: string, quarantinePath: string | null): Promise<GitPushInspector> {
    if (quarantinePath === null) {
      return new GitPushInspector(git, gitDir, {});
    }
    const objectsDir = await realpath(join(gitDir, 'objects'));
    let quarantine: string;
    try {
      quarantine = await realpath(isAbsolute(quarantinePath) ? quarantinePath : resolve(gitDir, quarantinePath));
    } catch {
      throw new BadRequestError('The push quarantine does not exist');
    }
    if (dirname(quarantine) !== objectsDir || !QUARANTINE_NAME.test(basename(quarantine))) {
      throw new BadRequestError('The push quarantine is not inside this repository');
    }
    return new GitPushInspector(git, gitDir, {
      GIT_OBJECT_DIRECTORY: quarantine,
      GIT_ALTERNATE_OBJECT_DIRECTORIES: objectsDir,
      GIT_QUARANTINE_PATH: quarantine,
    });
  }

  /**
   * Every object reachable from `newTips` but from no existing ref: regular blobs above
   * `limits.maxRegularBlobBytes` and LFS pointers are picked out. Streams (`rev-list` into `cat-file`),
   * so the memory used does not grow with the size of the push.
   */
  async scanObjects(newTips: readonly string[], limits: ScanLimits): Promise<PushObjectScan> {
    const scan: PushObjectScan = {
      objectCount: 0,
      blobBytes: 0,
      oversized: [],
      oversizedCount: 0,
      pointers: new Map(),
    };
    if (newTips.length === 0) {
      return scan;
    }
    newTips.forEach((sha) => assertOid(sha));
    const revList = this.stream(['rev-list', '--objects', '--stdin', '--not', '--all'], {
      stdin: Readable.from([`${newTips.join('\n')}\n`]),
    });
    const batchCheck = this.stream(
      ['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)', '--buffer'],
      { stdin: revList.stdout },
    );
    const oversized = (blob: PushedBlob): void => {
      scan.oversizedCount++;
      if (scan.oversized.length < MAX_LISTED) {
        scan.oversized.push(blob);
      }
    };
    let candidates: PushedBlob[] = [];
    try {
      for await (const line of textLines(batchCheck.stdout)) {
        const match = /^([0-9a-f]{40}) (\w+) (\d+) ?(.*)$/.exec(line);
        if (match === null) {
          // `<sha> missing`: a line git could not read back (a path with a newline); its blob has its own line.
          continue;
        }
        scan.objectCount++;
        if (match[2] !== 'blob') {
          continue;
        }
        const blob = { sha: match[1], size: Number(match[3]), path: match[4] };
        scan.blobBytes += blob.size;
        if (blob.size <= limits.pointerFormat.maxBytes) {
          candidates.push(blob);
          if (candidates.length >= POINTER_CHUNK) {
            await this.sortSmallBlobs(candidates, limits, scan, oversized);
            candidates = [];
          }
        } else if (blob.size > limits.maxRegularBlobBytes) {
          oversized(blob);
        }
      }
      await Promise.all([revList.exit, batchCheck.exit]);
    } catch (error) {
      revList.kill();
      batchCheck.kill();
      throw error;
    }
    await this.sortSmallBlobs(candidates, limits, scan, oversized);
    return scan;
  }

  /**
   * The commits each update makes reachable, newest first per ref, each attributed to the first
   * update that brings it in (branches before pull requests before tags). LFS pointers are matched
   * by blob id against `pointers` from `scanObjects`.
   */
  async listNewCommits(
    updates: readonly RefUpdate[],
    pointers: ReadonlyMap<string, PushedPointer>,
  ): Promise<PushedCommit[]> {
    const order = (ref: string): number => (ref.startsWith('refs/heads/') ? 0 : ref.startsWith('refs/pr/') ? 1 : 2);
    const sorted = updates.filter((update) => !isDeletion(update)).sort((a, b) => order(a.ref) - order(b.ref));
    const commits: PushedCommit[] = [];
    const seenTips: string[] = [];
    for (const update of sorted) {
      assertOid(update.newSha);
      const stream = this.stream([
        'log',
        '-z',
        '--raw',
        '--no-renames',
        '--no-abbrev',
        '--diff-filter=AMT',
        '--format=%x01%H%x00%s%x00%b',
        update.newSha,
        '--not',
        '--all',
        ...seenTips,
      ]);
      try {
        commits.push(...(await collectCommits(stream.stdout, update.ref, pointers)));
        await stream.exit;
      } catch (error) {
        stream.kill();
        throw error;
      }
      seenTips.push(update.newSha);
    }
    return commits;
  }

  /** Reads small blobs back and sorts them into LFS pointers and (with a tiny limit) oversized files. */
  private async sortSmallBlobs(
    blobs: PushedBlob[],
    limits: ScanLimits,
    scan: PushObjectScan,
    oversized: (blob: PushedBlob) => void,
  ): Promise<void> {
    if (blobs.length === 0) {
      return;
    }
    const sizes = new Map(blobs.map((blob) => [blob.sha, blob.size]));
    const batch = this.stream(['cat-file', '--batch=%(objectname) %(objectsize) %(rest)'], {
      stdin: Readable.from([blobs.map((blob) => `${blob.sha} ${blob.path}\n`).join('')]),
    });
    try {
      for await (const object of batchObjects(batch.stdout)) {
        const pointer = limits.pointerFormat.parse(object.content);
        if (pointer !== null) {
          scan.pointers.set(object.sha, { oid: pointer.oid, size: pointer.size, path: object.rest });
        } else if ((sizes.get(object.sha) ?? 0) > limits.maxRegularBlobBytes) {
          oversized({ sha: object.sha, size: object.content.length, path: object.rest });
        }
      }
      await batch.exit;
    } catch (error) {
      batch.kill();
      throw error;
    }
  }

  private stream(args: string[], options: { stdin?: Readable } = {}): GitStream {
    return this.git.stream(args, { gitDir: this.gitDir, env: this.env, stdin: options.stdin });
  }
}

function assertOid(sha: string): void {
  if (!OID_PATTERN.test(sha)) {
    throw new BadRequestError(`Invalid object id: ${JSON.stringify(sha)}`);
  }
}

/** `cat-file --batch` output: a `<sha> <size> <rest>` header line, the content, a newline. Objects are small here. */
async function* batchObjects(stream: Readable): AsyncGenerator<{ sha: string; rest: string; content: Buffer }> {
  let buffer: Buffer = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf(10);
      if (headerEnd < 0) {
        break;
      }
      const header = buffer.toString('utf8', 0, headerEnd);
      const match = /^([0-9a-f]{40}) (\d+) ?(.*)$/.exec(header);
      if (match === null) {
        // `<sha> missing`: nothing follows the header.
        buffer = buffer.subarray(headerEnd + 1);
        continue;
      }
      const size = Number(match[2]);
      if (buffer.length < headerEnd + 1 + size + 1) {
        break;
      }
      yield { sha: match[1], rest: match[3], content: buffer.subarray(headerEnd + 1, headerEnd + 1 + size) };
      buffer = buffer.subarray(headerEnd + 1 + size + 1);
    }
  }
}

/**
 * Parses `git log -z --raw --format=%x01%H%x00%s%x00%b`: a commit is a `\x01<sha>` token, its
 * subject and body, then pairs of raw diff header (`:<modes> <old> <new> <status>`) and path.
 */
async function collectCommits(
  stream: Readable,
  ref: string,
  pointers: ReadonlyMap<string, PushedPointer>,
): Promise<PushedCommit[]> {
  const commits: PushedCommit[] = [];
  let expected: 'subject' | 'body' | 'path' | 'entry' = 'entry';
  let entryBlob = '';
  for await (const token of nulTokens(stream)) {
    const current = commits[commits.length - 1];
    if (expected === 'entry') {
      const header = token.replace(/^\n/, '');
      if (header.startsWith(':')) {
        entryBlob = header.split(' ')[3] ?? '';
        expected = 'path';
      } else if (header.startsWith('\x01')) {
        commits.push({ sha: header.slice(1), ref, summary: '', description: '', lfsFiles: [] });
        expected = 'subject';
      }
    } else if (expected === 'subject') {
      current.summary = token.slice(0, MAX_RECORDED_MESSAGE_CHARS);
      expected = 'body';
    } else if (expected === 'body') {
      current.description = token.replace(/\n+$/, '').slice(0, MAX_RECORDED_MESSAGE_CHARS);
      expected = 'entry';
    } else {
      const pointer = pointers.get(entryBlob);
      if (pointer !== undefined && current !== undefined) {
        current.lfsFiles.push({ path: token, oid: pointer.oid, size: pointer.size });
      }
      expected = 'entry';
    }
  }
  return commits;
}
