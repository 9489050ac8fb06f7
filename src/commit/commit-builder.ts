import { BadRequestError, EntryNotFoundError, RevisionNotFoundError } from 'src/common/errors/hub-error';
import { CommitChange, GitBlobMode, GitFileMode, GitIdentity, GitRepository } from 'src/git/git-repository';
import { CommitOperation } from 'src/commit/commit-payload';
import { withLfsRules } from 'src/commit/gitattributes';
import {
  LfsPointer,
  MAX_LFS_POINTER_BYTES,
  formatLfsPointer,
  gitBlobId,
  parseLfsPointer,
} from 'src/commit/lfs-pointer';
import { OverlayFile, TreeOverlay } from 'src/commit/tree-overlay';
import { TreeProbe } from 'src/git/tree-probe';

export const GITATTRIBUTES_PATH = '.gitattributes';
/** A `.gitattributes` bigger than this is not parsed to add LFS rules; no real one comes close. */
const MAX_GITATTRIBUTES_BYTES = 4 * 1024 * 1024;

/**
 * The verified-object registry as the commit needs it: `assertVerified` throws (4xx) unless the
 * server holds `oid` as a verified object of `size` bytes (when given), and returns its size.
 */
export interface VerifiedLfsObjects {
  assertVerified(oid: string, size?: number): Promise<{ size: number }>;
}

/**
 * One elementary change, in the order the client gave them. `write` carries the blob id (and,
 * on the first attempt only, the content that fast-import stores); everything else is resolved
 * against the tree being built, so a rebase re-applies exactly the same operations onto a newer
 * head without the content having to be sent or held again.
 */
export type TreeOperation =
  | { kind: 'write'; path: string; file: OverlayFile; content?: Buffer }
  | { kind: 'deleteFile'; path: string }
  | { kind: 'deleteFolder'; path: string }
  | { kind: 'copy'; path: string; srcPath: string };

export interface BuildInput {
  baseSha: string;
  message: string;
  identity: GitIdentity;
  operations: AsyncIterable<TreeOperation> | Iterable<TreeOperation>;
}

export interface BuiltCommit {
  baseSha: string;
  commitSha: string;
  /** The tree equals the base's: the commit would change nothing. */
  isNoop: boolean;
  /** LFS files the commit writes and keeps, for the reference records. */
  lfsFiles: { path: string; pointer: LfsPointer }[];
  /** The operations as applied, content dropped: what a rebase re-applies. */
  replay: TreeOperation[];
}

const REGULAR_MODE: GitFileMode = '100644';

/**
 * Builds one commit on a base commit with a single fast-import run, validating each operation
 * against the tree as it stands at that point (a deletion of a missing file fails the whole
 * commit), and keeping `.gitattributes` tracking every LFS file written.
 */
export class CommitBuilder {
  constructor(private readonly git: GitRepository) {}

  async build(input: BuildInput): Promise<BuiltCommit> {
    const probe = this.git.probeTree(input.baseSha);
    try {
      const overlay = new TreeOverlay(probe);
      const replay: TreeOperation[] = [];
      const { commitSha, treeSha } = await this.git.createCommit({
        parent: input.baseSha,
        message: input.message,
        author: input.identity,
        committer: input.identity,
        changes: this.changes(input, overlay, probe, replay),
      });
      const baseTree = await probe.lookup('');
      return {
        baseSha: input.baseSha,
        commitSha,
        isNoop: baseTree?.sha === treeSha,
        lfsFiles: overlay.lfsFiles(),
        replay,
      };
    } finally {
      probe.close();
    }
  }

  private async *changes(
    input: BuildInput,
    overlay: TreeOverlay,
    probe: TreeProbe,
    replay: TreeOperation[],
  ): AsyncGenerator<CommitChange> {
    let attributesContent: Buffer | null = null;
    for await (const operation of input.operations) {
      switch (operation.kind) {
        case 'write': {
          overlay.put(operation.path, operation.file);
          if (operation.path === GITATTRIBUTES_PATH) {
            attributesContent = operation.content ?? null;
          }
          replay.push({ kind: 'write', path: operation.path, file: operation.file });
          yield operation.content === undefined
            ? { kind: 'putExisting', path: operation.path, mode: operation.file.mode, blobSha: operation.file.sha }
            : { kind: 'put', path: operation.path, mode: REGULAR_MODE, content: operation.content };
          break;
        }
        case 'deleteFile':
          if ((await overlay.fileAt(operation.path)) === null) {
            throw new EntryNotFoundError(`Cannot delete "${operation.path}": A file with this name doesn't exist`);
          }
          overlay.deleteFile(operation.path);
          replay.push(operation);
          yield { kind: 'delete', path: operation.path };
          break;
        case 'deleteFolder':
          if (!(await overlay.hasFolder(operation.path))) {
            throw new EntryNotFoundError(
              `Cannot delete folder "${operation.path}": A folder with this name doesn't exist`,
            );
          }
          overlay.deleteFolder(operation.path);
          replay.push(operation);
          yield { kind: 'delete', path: operation.path };
          break;
        case 'copy': {
          const file = await this.copySource(overlay, input.baseSha, operation.srcPath);
          overlay.put(operation.path, file);
          if (operation.path === GITATTRIBUTES_PATH) {
            attributesContent = null;
          }
          replay.push(operation);
          yield { kind: 'putExisting', path: operation.path, mode: file.mode, blobSha: file.sha };
          break;
        }
      }
    }
    const attributes = await this.attributesWithLfsRules(overlay, probe, attributesContent);
    if (attributes !== null) {
      yield { kind: 'put', path: GITATTRIBUTES_PATH, mode: REGULAR_MODE, content: attributes };
    }
  }

  /** A file of the tree being built, with its mode and whether it is an LFS pointer. */
  private async copySource(overlay: TreeOverlay, baseSha: string, srcPath: string): Promise<OverlayFile> {
    const source = await overlay.fileAt(srcPath);
    if (source === null) {
      throw new EntryNotFoundError(`Cannot copy "${srcPath}": A file with this name doesn't exist`);
    }
    if ('written' in source) {
      return source.written;
    }
    return describeBlobAt(this.git, baseSha, srcPath);
  }

  /** The `.gitattributes` the commit must end with so every LFS file it writes is tracked, or null if it already is. */
  private async attributesWithLfsRules(
    overlay: TreeOverlay,
    probe: TreeProbe,
    writtenContent: Buffer | null,
  ): Promise<Buffer | null> {
    const lfsPaths = overlay.lfsFiles().map((file) => file.path);
    if (lfsPaths.length === 0) {
      return null;
    }
    const state = overlay.written(GITATTRIBUTES_PATH);
    let current: Buffer;
    if (state === null) {
      current = Buffer.alloc(0);
    } else if (state !== undefined) {
      current = writtenContent ?? (await this.readAttributes(state.sha));
    } else {
      const entry = await probe.lookup(GITATTRIBUTES_PATH);
      current = entry?.type === 'blob' ? await this.readAttributes(entry.sha) : Buffer.alloc(0);
    }
    const updated = withLfsRules(current.toString('utf8'), lfsPaths);
    return updated === null ? null : Buffer.from(updated, 'utf8');
  }

  private async readAttributes(sha: string): Promise<Buffer> {
    const content = await this.git.readSmallBlob(sha, MAX_GITATTRIBUTES_BYTES);
    if (content === null) {
      throw new BadRequestError(`${GITATTRIBUTES_PATH} is missing or larger than ${MAX_GITATTRIBUTES_BYTES} bytes`);
    }
    return content;
  }
}

/** Mode, blob id and LFS pointer of the file at `path` in a commit; EntryNotFound when it is not a file. */
export async function describeBlobAt(git: GitRepository, commitSha: string, path: string): Promise<OverlayFile> {
  const entry = await git.statPath(commitSha, path);
  if (entry === null || entry.type !== 'blob') {
    throw new EntryNotFoundError(`Cannot copy "${path}": A file with this name doesn't exist`);
  }
  const content =
    entry.size !== undefined && entry.size <= MAX_LFS_POINTER_BYTES
      ? await git.readSmallBlob(entry.sha, MAX_LFS_POINTER_BYTES)
      : null;
  const lfs = content === null ? null : parseLfsPointer(content);
  return { sha: entry.sha, mode: entry.mode as GitBlobMode, lfs };
}

export interface ExpandContext {
  git: GitRepository;
  lfs: VerifiedLfsObjects;
}

/**
 * Turns the client's operations into tree operations as they stream in: contents get their blob
 * ids, `lfsFile` objects are checked against the registry and become pointer files, renames
 * (`oldPath`) become a write or copy plus a deletion, and copies from another revision are
 * resolved to that revision's blob.
 */
export async function* toTreeOperations(
  operations: AsyncIterable<CommitOperation>,
  context: ExpandContext,
): AsyncGenerator<TreeOperation> {
  for await (const operation of operations) {
    switch (operation.key) {
      case 'file':
        if (operation.content === undefined) {
          yield* moveOperations(operation.oldPath as string, operation.path);
        } else {
          if (operation.oldPath !== undefined && operation.oldPath !== operation.path) {
            yield { kind: 'deleteFile', path: operation.oldPath };
          }
          const file: OverlayFile = { sha: gitBlobId(operation.content), mode: REGULAR_MODE, lfs: null };
          yield { kind: 'write', path: operation.path, file, content: operation.content };
        }
        break;
      case 'lfsFile':
        if (operation.oid === undefined) {
          yield* moveOperations(operation.oldPath as string, operation.path);
        } else {
          const { size } = await context.lfs.assertVerified(operation.oid, operation.size);
          if (operation.oldPath !== undefined && operation.oldPath !== operation.path) {
            yield { kind: 'deleteFile', path: operation.oldPath };
          }
          const pointer: LfsPointer = { oid: operation.oid, size };
          const content = formatLfsPointer(pointer);
          yield {
            kind: 'write',
            path: operation.path,
            file: { sha: gitBlobId(content), mode: REGULAR_MODE, lfs: pointer },
            content,
          };
        }
        break;
      case 'deletedFile':
        yield { kind: 'deleteFile', path: operation.path };
        break;
      case 'deletedFolder':
        yield { kind: 'deleteFolder', path: operation.path };
        break;
      case 'copyFile':
        if (operation.srcRevision === undefined) {
          yield { kind: 'copy', path: operation.path, srcPath: operation.srcPath };
        } else {
          const sourceCommit = await context.git.resolveCommit(operation.srcRevision);
          if (sourceCommit === null) {
            throw new RevisionNotFoundError(operation.srcRevision);
          }
          yield {
            kind: 'write',
            path: operation.path,
            file: await describeBlobAt(context.git, sourceCommit, operation.srcPath),
          };
        }
        break;
    }
  }
}

function* moveOperations(from: string, to: string): Generator<TreeOperation> {
  if (from === to) {
    return;
  }
  yield { kind: 'copy', path: to, srcPath: from };
  yield { kind: 'deleteFile', path: from };
}
