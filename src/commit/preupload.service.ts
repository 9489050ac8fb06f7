import { Injectable } from '@nestjs/common';
import { AuthUser } from 'src/common/auth-user';
import { GitRepoStore } from 'src/git/git-repo-store';
import { GitRepository } from 'src/git/git-repository';
import { RepoRecord } from 'src/repo/repo-record';
import { RepoService } from 'src/repo/repo.service';
import { RepoType } from 'src/repo/repo-types';
import { GITATTRIBUTES_PATH } from 'src/commit/commit-builder';
import { resolveRevision } from 'src/commit/commit-target';
import {
  PreuploadFileDto,
  PreuploadFileResultDto,
  PreuploadRequestDto,
  PreuploadResponseDto,
  UploadMode,
} from 'src/commit/commit.dto';
import { GitAttributes } from 'src/commit/gitattributes';
import { GitIgnore } from 'src/commit/gitignore';
import { MAX_LFS_POINTER_BYTES, parseLfsPointer } from 'src/commit/lfs-pointer';
import { validateRepoPath } from 'src/commit/repo-path';
import { ProbedEntry, TreeProbe } from 'src/git/tree-probe';
import { writableRepo } from 'src/commit/writable-repo';

const GITIGNORE_PATH = '.gitignore';
/** Rule files bigger than this are not consulted; real ones are a few kilobytes. */
const MAX_RULES_FILE_BYTES = 1024 * 1024;

export interface UploadModeRules {
  thresholdBytes: number;
  suffixes: readonly string[];
  attributes: GitAttributes;
}

/**
 * Regular or LFS, as the Hub decides it: empty files are always regular; LFS when `.gitattributes`
 * tracks the path, when the size reaches the threshold, when a suffix rule matches, or when the
 * sample looks binary (a NUL byte, or bytes that are not UTF-8).
 */
export function uploadModeOf(
  file: Pick<PreuploadFileDto, 'path' | 'size' | 'sample'>,
  rules: UploadModeRules,
): UploadMode {
  if (file.size === 0) {
    return 'regular';
  }
  const lowerPath = file.path.toLowerCase();
  if (
    rules.attributes.isLfsTracked(file.path) ||
    file.size >= rules.thresholdBytes ||
    rules.suffixes.some((suffix) => lowerPath.endsWith(suffix.toLowerCase())) ||
    isBinarySample(file.sample)
  ) {
    return 'lfs';
  }
  return 'regular';
}

/** A sample is the first bytes of a file, so a multi-byte character cut at its end is not an error. */
export function isBinarySample(sample: string | undefined): boolean {
  if (sample === undefined || sample === '') {
    return false;
  }
  const bytes = Buffer.from(sample, 'base64');
  if (bytes.includes(0)) {
    return true;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return false;
  } catch {
    return true;
  }
}

/**
 * `POST /api/{type}s/{id}/preupload/{rev}`: the upload mode of each file, whether the client should
 * skip it (`.gitignore`), and the content id the path holds now so unchanged files are not re-sent.
 */
@Injectable()
export class PreuploadService {
  constructor(
    private readonly repos: RepoService,
    private readonly gitStore: GitRepoStore,
  ) {}

  async preupload(
    user: AuthUser,
    type: RepoType,
    namespace: string,
    name: string,
    revision: string,
    dto: PreuploadRequestDto,
  ): Promise<PreuploadResponseDto> {
    const repo = await writableRepo(this.repos, user, type, namespace, name);
    dto.files.forEach((file) => validateRepoPath(file.path));
    const git = this.gitStore.open(repo.storageId);
    const commit = await resolveRevision(git, revision);
    const probe = git.probeTree(commit);
    try {
      const [entries, attributesText, ignoreText] = await Promise.all([
        Promise.all(dto.files.map((file) => probe.lookup(file.path))),
        dto.gitAttributes ?? this.readRulesFile(git, probe, GITATTRIBUTES_PATH),
        dto.gitIgnore ?? this.readRulesFile(git, probe, GITIGNORE_PATH),
      ]);
      const rules = this.rulesFor(repo, attributesText);
      const ignore = ignoreText === null ? null : GitIgnore.parse(ignoreText);
      const files: PreuploadFileResultDto[] = [];
      for (const [index, file] of dto.files.entries()) {
        const result: PreuploadFileResultDto = {
          path: file.path,
          uploadMode: uploadModeOf(file, rules),
          shouldIgnore: ignore?.isIgnored(file.path) ?? false,
        };
        const oid = await this.contentIdOf(git, entries[index]);
        if (oid !== null) {
          result.oid = oid;
        }
        files.push(result);
      }
      return { files };
    } finally {
      probe.close();
    }
  }

  private rulesFor(repo: RepoRecord, attributesText: string | null): UploadModeRules {
    return {
      thresholdBytes: this.repos.effectiveLfsThreshold(repo),
      suffixes: this.repos.effectiveLfsSuffixes(repo),
      attributes: attributesText === null ? GitAttributes.empty() : GitAttributes.parse(attributesText),
    };
  }

  private async readRulesFile(git: GitRepository, probe: TreeProbe, path: string): Promise<string | null> {
    const entry = await probe.lookup(path);
    if (entry?.type !== 'blob') {
      return null;
    }
    const content = await git.readSmallBlob(entry.sha, MAX_RULES_FILE_BYTES);
    return content === null ? null : content.toString('utf8');
  }

  /** The id clients compare with their local file: sha256 for an LFS pointer, else the git blob id. */
  private async contentIdOf(git: GitRepository, entry: ProbedEntry | null): Promise<string | null> {
    if (entry?.type !== 'blob') {
      return null;
    }
    if (entry.size <= MAX_LFS_POINTER_BYTES) {
      const content = await git.readSmallBlob(entry.sha, MAX_LFS_POINTER_BYTES);
      const pointer = content === null ? null : parseLfsPointer(content);
      if (pointer !== null) {
        return pointer.oid;
      }
    }
    return entry.sha;
  }
}
