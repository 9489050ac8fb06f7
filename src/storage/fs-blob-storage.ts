import { createHash, randomUUID } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import {
  access,
  FileHandle,
  lstat,
  mkdir,
  open,
  opendir,
  readFile,
  realpath,
  rename,
  rm,
  writeFile,
} from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertValidBlobKey,
  assertValidBlobPrefix,
  assertValidPartNumber,
  assertValidRange,
  BlobByteRange,
  BlobHead,
  BlobListEntry,
  BlobReadResult,
  BlobStorage,
  clampRange,
  MeteredStream,
  normalizeEtag,
  orderParts,
  PutBlobOptions,
  UploadedPart,
} from 'src/storage/blob-storage';
import {
  BlobNotFoundError,
  InvalidBlobKeyError,
  InvalidMultipartPartError,
  MultipartUploadNotFoundError,
  StorageUnavailableError,
} from 'src/storage/storage.errors';

/** Hidden folder of the root for temp files and multipart parts; keys cannot start with "." so none collides. */
const INTERNAL_DIR = '.kohaku';
/** Large reads make downloads fast; 1 MiB per open stream keeps memory bounded. */
const READ_HIGH_WATER_MARK = 1024 * 1024;
/**
 * What a file being written may hold back: while one write is in flight, the socket's 64 KiB
 * chunks gather and go out in one `writev`, instead of a syscall and thread-pool trip each.
 */
const WRITE_HIGH_WATER_MARK = 1024 * 1024;
/** Temp files this old belong to a crashed process: a live write keeps touching its file. */
const STALE_TEMP_MS = 24 * 3600 * 1000;
const UPLOAD_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UPLOAD_KEY_FILE = 'key';

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function partFileName(partNumber: number): string {
  return `part-${String(partNumber).padStart(5, '0')}`;
}

/**
 * Blobs as plain files under one root folder (the default store). Writes go to a temp file in the
 * root's internal folder (same filesystem) and are renamed into place, so a key holds either the old
 * object or the complete new one. Every path is proven to stay inside the root, symlinks included.
 * URLs are not presigned here: the application serves fs blobs itself behind `UrlSigner`.
 */
export class FsBlobStorage extends BlobStorage {
  private readonly root: string;
  private rootReady?: Promise<string>;

  constructor(root: string) {
    super();
    this.root = resolve(root);
  }

  async ensureReady(): Promise<void> {
    await this.realRoot();
  }

  async healthCheck(): Promise<void> {
    try {
      const root = await this.realRoot();
      await access(root, constants.R_OK | constants.W_OK);
      await access(join(root, INTERNAL_DIR, 'tmp'), constants.W_OK);
    } catch (error) {
      throw new StorageUnavailableError(
        `storage root ${this.root} is not writable (${errorCode(error) ?? String(error)})`,
        error,
      );
    }
  }

  async put(key: string, body: Readable, options: PutBlobOptions = {}): Promise<{ size: number }> {
    const target = await this.writablePathFor(key);
    const meter = new MeteredStream(options.size);
    await this.writeAtomically(body, meter, target);
    return { size: meter.bytes };
  }

  async get(key: string, range?: BlobByteRange): Promise<BlobReadResult> {
    if (range !== undefined) {
      assertValidRange(range);
    }
    const handle = await this.openForRead(key);
    try {
      const { size } = await handle.stat();
      if (range === undefined) {
        const body = handle.createReadStream({ highWaterMark: READ_HIGH_WATER_MARK });
        return { body, size, contentLength: size };
      }
      const window = clampRange(range, size);
      const body = handle.createReadStream({ ...window, highWaterMark: READ_HIGH_WATER_MARK });
      return { body, size, contentLength: window.end - window.start + 1 };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async head(key: string): Promise<BlobHead | null> {
    const path = await this.pathFor(key);
    if (path === undefined) {
      return null;
    }
    try {
      const stats = await lstat(path);
      if (stats.isSymbolicLink()) {
        throw new InvalidBlobKeyError(key, 'is a symbolic link');
      }
      return stats.isFile() ? { size: stats.size, lastModified: new Date(stats.mtimeMs) } : null;
    } catch (error) {
      if (isMissing(error)) {
        return null;
      }
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const path = await this.pathFor(key);
    if (path === undefined) {
      return;
    }
    await rm(path, { force: true });
  }

  async move(from: string, to: string): Promise<void> {
    assertValidBlobKey(to);
    const source = await this.pathFor(from);
    // head refuses a symlink at `from`, so only regular files inside the root are ever moved.
    if (source === undefined || (await this.head(from)) === null) {
      throw new BlobNotFoundError(from);
    }
    const target = await this.writablePathFor(to);
    try {
      await rename(source, target);
    } catch (error) {
      throw isMissing(error) ? new BlobNotFoundError(from) : error;
    }
  }

  async *list(prefix: string): AsyncIterable<BlobListEntry> {
    assertValidBlobPrefix(prefix);
    const root = await this.realRoot();
    const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const baseDir = base === '' ? root : await this.existingDirectory(root, base);
    if (baseDir === undefined) {
      return;
    }
    yield* this.walk(baseDir, base, prefix);
  }

  async createMultipartUpload(key: string): Promise<string> {
    assertValidBlobKey(key);
    const uploadId = randomUUID();
    const directory = join(await this.realRoot(), INTERNAL_DIR, 'multipart', uploadId);
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, UPLOAD_KEY_FILE), key, { flag: 'wx' });
    return uploadId;
  }

  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    size?: number,
  ): Promise<{ etag: string }> {
    assertValidPartNumber(partNumber);
    const directory = await this.uploadDirectory(key, uploadId);
    const meter = new MeteredStream(size, 'md5');
    try {
      await this.writeAtomically(body, meter, join(directory, partFileName(partNumber)));
    } catch (error) {
      // The upload was aborted or completed while this part streamed in.
      throw isMissing(error) ? new MultipartUploadNotFoundError(uploadId) : error;
    }
    return { etag: `"${meter.digest()}"` };
  }

  presignUploadPart(key: string): Promise<string | null> {
    return this.servedByApplication(key);
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: UploadedPart[]): Promise<{ size: number }> {
    const ordered = orderParts(parts);
    const directory = await this.uploadDirectory(key, uploadId);
    const target = await this.writablePathFor(key);
    const meter = new MeteredStream();
    await this.writeAtomically(Readable.from(this.readParts(directory, ordered), { objectMode: false }), meter, target);
    await rm(directory, { recursive: true, force: true });
    return { size: meter.bytes };
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    let directory: string;
    try {
      directory = await this.uploadDirectory(key, uploadId);
    } catch (error) {
      if (error instanceof MultipartUploadNotFoundError) {
        return;
      }
      throw error;
    }
    await rm(directory, { recursive: true, force: true });
  }

  presignGet(key: string): Promise<string | null> {
    return this.servedByApplication(key);
  }

  presignPut(key: string): Promise<string | null> {
    return this.servedByApplication(key);
  }

  /** Null for every presign request: fs bytes only travel through the application's own signed URLs. */
  private servedByApplication(key: string): Promise<string | null> {
    return Promise.resolve().then(() => {
      assertValidBlobKey(key);
      return null;
    });
  }

  /** The root's real path, after creating the root and its internal folders on first use. */
  private realRoot(): Promise<string> {
    this.rootReady ??= this.prepareRoot().catch((error: unknown) => {
      this.rootReady = undefined;
      throw error;
    });
    return this.rootReady;
  }

  private async prepareRoot(): Promise<string> {
    await mkdir(join(this.root, INTERNAL_DIR, 'tmp'), { recursive: true });
    await mkdir(join(this.root, INTERNAL_DIR, 'multipart'), { recursive: true });
    const root = await realpath(this.root);
    await this.removeStaleTempFiles(join(root, INTERNAL_DIR, 'tmp'));
    return root;
  }

  private async removeStaleTempFiles(directory: string): Promise<void> {
    const cutoff = Date.now() - STALE_TEMP_MS;
    for await (const entry of await opendir(directory)) {
      const path = join(directory, entry.name);
      const stats = await lstat(path).catch(() => undefined);
      if (stats !== undefined && stats.mtimeMs < cutoff) {
        await rm(path, { force: true, recursive: true });
      }
    }
  }

  private isInside(root: string, path: string): boolean {
    const fromRoot = relative(root, path);
    return fromRoot === '' || (fromRoot !== '..' && !fromRoot.startsWith(`..${sep}`) && !isAbsolute(fromRoot));
  }

  private assertInside(root: string, realPath: string, key: string): void {
    if (!this.isInside(root, realPath)) {
      throw new InvalidBlobKeyError(key, 'resolves outside the storage root');
    }
  }

  /**
   * The absolute path of an existing key's location, once its parent folder is proven (by real
   * path) to lie inside the root; undefined when the parent does not exist. The final component is
   * never followed here: readers open it with O_NOFOLLOW or lstat it, writers replace it by rename.
   */
  private async pathFor(key: string): Promise<string | undefined> {
    assertValidBlobKey(key);
    const root = await this.realRoot();
    const { parent, name } = this.locate(root, key);
    let realParent: string;
    try {
      realParent = await realpath(parent);
    } catch (error) {
      if (isMissing(error)) {
        return undefined;
      }
      throw error;
    }
    this.assertInside(root, realParent, key);
    return join(realParent, name);
  }

  /** Like `pathFor`, creating the parent folders first. */
  private async writablePathFor(key: string): Promise<string> {
    assertValidBlobKey(key);
    const root = await this.realRoot();
    const { parent, name } = this.locate(root, key);
    await this.makeDirectoryInside(root, parent, key);
    const realParent = await realpath(parent);
    this.assertInside(root, realParent, key);
    return join(realParent, name);
  }

  private locate(root: string, key: string): { parent: string; name: string } {
    const segments = key.split('/');
    const name = segments.pop() ?? key;
    return { parent: join(root, ...segments), name };
  }

  /** `mkdir -p`, but only after the deepest existing ancestor is proven inside the root, so no folder appears elsewhere. */
  private async makeDirectoryInside(root: string, directory: string, key: string): Promise<void> {
    let existing = directory;
    for (;;) {
      try {
        this.assertInside(root, await realpath(existing), key);
        break;
      } catch (error) {
        if (!isMissing(error) || existing === root) {
          throw error;
        }
        existing = dirname(existing);
      }
    }
    await mkdir(directory, { recursive: true });
  }

  private async existingDirectory(root: string, relativeDir: string): Promise<string | undefined> {
    try {
      const real = await realpath(join(root, ...relativeDir.split('/')));
      this.assertInside(root, real, relativeDir);
      return real;
    } catch (error) {
      if (isMissing(error)) {
        return undefined;
      }
      throw error;
    }
  }

  private async openForRead(key: string): Promise<FileHandle> {
    const path = await this.pathFor(key);
    if (path === undefined) {
      throw new BlobNotFoundError(key);
    }
    let handle: FileHandle;
    try {
      handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    } catch (error) {
      if (isMissing(error)) {
        throw new BlobNotFoundError(key);
      }
      if (errorCode(error) === 'ELOOP') {
        throw new InvalidBlobKeyError(key, 'is a symbolic link');
      }
      throw error;
    }
    const stats = await handle.stat();
    if (!stats.isFile()) {
      await handle.close();
      throw new BlobNotFoundError(key);
    }
    return handle;
  }

  /** Streams `source` through `meter` into a temp file, then renames it to `target`; on any failure removes the temp file. */
  private async writeAtomically(source: Readable, meter: MeteredStream, target: string): Promise<void> {
    const temp = join(await this.realRoot(), INTERNAL_DIR, 'tmp', randomUUID());
    try {
      await pipeline(source, meter, createWriteStream(temp, { flags: 'wx', highWaterMark: WRITE_HIGH_WATER_MARK }));
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  private async uploadDirectory(key: string, uploadId: string): Promise<string> {
    assertValidBlobKey(key);
    // The id becomes a path segment, so anything but our own UUIDs is refused before touching the disk.
    if (!UPLOAD_ID_PATTERN.test(uploadId)) {
      throw new MultipartUploadNotFoundError(uploadId);
    }
    const directory = join(await this.realRoot(), INTERNAL_DIR, 'multipart', uploadId);
    let storedKey: string;
    try {
      storedKey = await readFile(join(directory, UPLOAD_KEY_FILE), 'utf8');
    } catch (error) {
      if (isMissing(error)) {
        throw new MultipartUploadNotFoundError(uploadId);
      }
      throw error;
    }
    if (storedKey !== key) {
      throw new MultipartUploadNotFoundError(uploadId);
    }
    return directory;
  }

  /** Yields the parts' bytes in order, checking each part's md5 against the etag the client reported. */
  private async *readParts(directory: string, parts: UploadedPart[]): AsyncGenerator<Buffer> {
    for (const part of parts) {
      const md5 = createHash('md5');
      const stream = createReadStream(join(directory, partFileName(part.partNumber)), {
        highWaterMark: READ_HIGH_WATER_MARK,
      });
      try {
        for await (const chunk of stream) {
          md5.update(chunk as Buffer);
          yield chunk as Buffer;
        }
      } catch (error) {
        if (isMissing(error)) {
          throw new InvalidMultipartPartError(`Part ${part.partNumber} was never uploaded`);
        }
        throw error;
      }
      if (md5.digest('hex') !== normalizeEtag(part.etag)) {
        throw new InvalidMultipartPartError(`Part ${part.partNumber} does not match etag ${part.etag}`);
      }
    }
  }

  private async *walk(directory: string, relativeDir: string, prefix: string): AsyncGenerator<BlobListEntry> {
    let entries;
    try {
      entries = await opendir(directory);
    } catch (error) {
      if (isMissing(error)) {
        return;
      }
      throw error;
    }
    for await (const entry of entries) {
      const key = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      // Symlinks are never followed, so a listing cannot leave the root; the internal folder is not data.
      if (entry.isSymbolicLink() || (relativeDir === '' && entry.name === INTERNAL_DIR)) {
        continue;
      }
      if (entry.isDirectory()) {
        const folder = `${key}/`;
        if (folder.startsWith(prefix) || prefix.startsWith(folder)) {
          yield* this.walk(join(directory, entry.name), key, prefix);
        }
      } else if (entry.isFile() && key.startsWith(prefix)) {
        const stats = await lstat(join(directory, entry.name)).catch((error: unknown) => {
          if (isMissing(error)) {
            return undefined;
          }
          throw error;
        });
        if (stats !== undefined) {
          yield { key, size: stats.size, lastModified: new Date(stats.mtimeMs) };
        }
      }
    }
  }
}
