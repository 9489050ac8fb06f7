import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { access, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HubConfig } from 'src/config/hub-config';
import { CatFilePool } from 'src/git/cat-file-pool';
import { GitObjectCache } from 'src/git/git-object-cache';
import { GitProcess } from 'src/git/git-process';
import { GitRepository } from 'src/git/git-repository';
import { GitRepoAlreadyExistsError, InvalidGitIdError } from 'src/git/git.errors';

/** Lowercase hex, optionally with dashes (a uuid); the first four characters name the shard folders. */
const STORAGE_ID_PATTERN = /^[0-9a-f]{4}(?:-?[0-9a-f])*$/;
const MAX_STORAGE_ID_LENGTH = 64;
/** Leftovers of interrupted creates and removes older than this are swept at boot. */
const LEFTOVER_AGE_MS = 60 * 60 * 1000;

/**
 * Settings every repository gets. `transfer.hideRefs` keeps the temporary refs used while building
 * commits out of fetch advertisements and out of reach of pushes. Automatic gc never runs inside a
 * push (`receive.autogc`) and never detaches; `GitRepository.optimize()` runs it on purpose.
 */
const REPOSITORY_CONFIG: readonly (readonly [string, string])[] = [
  ['core.logAllRefUpdates', 'false'],
  ['uploadpack.allowReachableSHA1InWant', 'true'],
  ['uploadpack.allowFilter', 'true'],
  ['receive.fsckObjects', 'true'],
  ['receive.autogc', 'false'],
  ['gc.autoDetach', 'false'],
  ['http.receivepack', 'true'],
  ['transfer.hideRefs', 'refs/kohaku'],
];

export interface GitHealth {
  isHealthy: boolean;
  gitVersion: string | null;
  /** Why it is unhealthy; generic, without server paths. */
  message?: string;
}

/**
 * Bare repositories addressed by an immutable storage id, at
 * `<git root>/repos/<id[0:2]>/<id[2:4]>/<id>.git`, so renames never touch the disk.
 */
@Injectable()
export class GitRepoStore {
  private readonly reposDir: string;
  private readonly stagingDir: string;
  private readonly trashDir: string;
  /** The binary cannot change under a running process, so one successful `git --version` is enough. */
  private knownGitVersion: string | null = null;

  constructor(
    private readonly config: HubConfig,
    private readonly git: GitProcess,
    private readonly catFiles: CatFilePool,
    private readonly objectCache: GitObjectCache,
  ) {
    this.reposDir = join(config.git.root, 'repos');
    this.stagingDir = join(config.git.root, 'staging');
    this.trashDir = join(config.git.root, 'trash');
  }

  /** Creates the folder layout and sweeps leftovers of interrupted creates and removes. */
  async prepare(): Promise<void> {
    for (const dir of [this.config.git.root, this.reposDir, this.stagingDir, this.trashDir]) {
      await mkdir(dir, { recursive: true });
    }
    // Only old leftovers: another replica sharing the root may be creating or removing right now.
    const cutoff = Date.now() - LEFTOVER_AGE_MS;
    for (const dir of [this.stagingDir, this.trashDir]) {
      for (const name of await readdir(dir)) {
        const path = join(dir, name);
        const info = await stat(path).catch(() => null);
        if (info !== null && info.mtimeMs < cutoff) {
          await rm(path, { recursive: true, force: true });
        }
      }
    }
  }

  pathFor(storageId: string): string {
    assertStorageId(storageId);
    return join(this.reposDir, storageId.slice(0, 2), storageId.slice(2, 4), `${storageId}.git`);
  }

  /**
   * `git init --bare -b main` plus the hub's settings, done in a staging folder and renamed into
   * place, so a half-initialised repository is never visible under its id.
   */
  async create(storageId: string): Promise<GitRepository> {
    const target = this.pathFor(storageId);
    if (await this.exists(storageId)) {
      throw new GitRepoAlreadyExistsError(storageId);
    }
    await mkdir(this.stagingDir, { recursive: true });
    const staging = join(this.stagingDir, `${storageId}-${randomBytes(6).toString('hex')}.git`);
    try {
      // An empty template: no sample hooks, and no template directory from the environment.
      await this.git.run(['init', '--quiet', '--bare', '--template=', '--initial-branch=main', staging]);
      for (const [key, value] of REPOSITORY_CONFIG) {
        await this.git.run(['config', key, value], { gitDir: staging });
      }
      await mkdir(dirname(target), { recursive: true });
      await rename(staging, target);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new GitRepoAlreadyExistsError(storageId);
      }
      throw error;
    }
    return this.open(storageId);
  }

  async exists(storageId: string): Promise<boolean> {
    const head = join(this.pathFor(storageId), 'HEAD');
    try {
      await access(head);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Deletes a repository. It is first renamed into the trash (one atomic step, after which it no
   * longer exists under its id), then deleted. Returns false if there was nothing to remove.
   */
  async remove(storageId: string): Promise<boolean> {
    const target = this.pathFor(storageId);
    this.catFiles.closeRepository(target);
    await mkdir(this.trashDir, { recursive: true });
    const trashed = join(this.trashDir, `${storageId}-${randomBytes(6).toString('hex')}.git`);
    try {
      await rename(target, trashed);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return false;
      }
      throw error;
    }
    await rm(trashed, { recursive: true, force: true });
    return true;
  }

  /** A handle on the repository; it does not check that the repository exists. */
  open(storageId: string): GitRepository {
    return new GitRepository(this.pathFor(storageId), this.git, this.catFiles, this.objectCache);
  }

  /**
   * git runs (checked until it first succeeds, so `/health` does not start a process on every
   * call) and the git root accepts writes. Never throws.
   */
  async healthCheck(): Promise<GitHealth> {
    if (this.knownGitVersion === null) {
      try {
        this.knownGitVersion = await this.git.version();
      } catch {
        return { isHealthy: false, gitVersion: null, message: 'git cannot be run' };
      }
    }
    const gitVersion = this.knownGitVersion;
    const probe = join(this.stagingDir, `.health-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(this.stagingDir, { recursive: true });
      await writeFile(probe, 'ok');
      await rm(probe, { force: true });
    } catch {
      return { isHealthy: false, gitVersion, message: 'The git storage folder is not writable' };
    }
    return { isHealthy: true, gitVersion };
  }
}

function assertStorageId(storageId: string): void {
  if (
    typeof storageId !== 'string' ||
    storageId.length > MAX_STORAGE_ID_LENGTH ||
    !STORAGE_ID_PATTERN.test(storageId)
  ) {
    throw new InvalidGitIdError('repository storage id');
  }
}
