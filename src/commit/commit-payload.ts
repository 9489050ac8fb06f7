import { BadRequestError, PayloadTooLargeError } from 'src/common/errors/hub-error';
import { SHA256_PATTERN } from 'src/commit/lfs-pointer';
import { validateFolderPath, validateRepoPath } from 'src/commit/repo-path';

/** Commit messages longer than this are refused: they end up in every `git log`. */
export const MAX_SUMMARY_LENGTH = 4096;
export const MAX_DESCRIPTION_LENGTH = 256 * 1024;

export interface CommitHeader {
  summary: string;
  description: string;
  /** A 5–40 hex prefix of the commit the client based its changes on. */
  parentCommit?: string;
}

/**
 * One change line of the NDJSON body, validated. `oldPath` (JS types) turns an addition into a
 * rename: the file moves from `oldPath`, taking its content when none is given.
 */
export type CommitOperation =
  | { key: 'file'; path: string; content?: Buffer; oldPath?: string }
  | { key: 'lfsFile'; path: string; oid?: string; size?: number; oldPath?: string }
  | { key: 'deletedFile'; path: string }
  | { key: 'deletedFolder'; path: string }
  | { key: 'copyFile'; path: string; srcPath: string; srcRevision?: string };

export interface PayloadLimits {
  /** Largest decoded `file` content accepted; bigger files must go through LFS. */
  maxRegularFileBytes: number;
}

const OPERATION_KEYS = ['file', 'lfsFile', 'deletedFile', 'deletedFolder', 'copyFile'] as const;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const PARENT_COMMIT_PATTERN = /^[0-9a-f]{5,40}$/;

export interface PayloadLine {
  key: string;
  value: Record<string, unknown>;
}

/** `{key, value}` of one line, or 400. */
export function parsePayloadLine(line: Buffer, lineNumber: number): PayloadLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.toString('utf8'));
  } catch {
    throw new BadRequestError(`Line ${lineNumber} of the commit payload is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BadRequestError(`Line ${lineNumber} of the commit payload must be a JSON object`);
  }
  const { key, value } = parsed as { key?: unknown; value?: unknown };
  if (typeof key !== 'string') {
    throw new BadRequestError(`Line ${lineNumber} of the commit payload has no "key"`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError(`Line ${lineNumber} of the commit payload ("${key}") has no "value" object`);
  }
  return { key, value: value as Record<string, unknown> };
}

export function parseHeader(line: PayloadLine | undefined): CommitHeader {
  if (line === undefined || line.key !== 'header') {
    throw new BadRequestError('The commit payload must start with a "header" line');
  }
  const { summary, description, parentCommit } = line.value;
  if (typeof summary !== 'string' || summary.trim() === '') {
    throw new BadRequestError('The commit header needs a non-empty "summary"');
  }
  if (summary.length > MAX_SUMMARY_LENGTH) {
    throw new BadRequestError(`The commit summary must be at most ${MAX_SUMMARY_LENGTH} characters`);
  }
  if (description !== undefined && description !== null && typeof description !== 'string') {
    throw new BadRequestError('The commit "description" must be a string');
  }
  if (typeof description === 'string' && description.length > MAX_DESCRIPTION_LENGTH) {
    throw new BadRequestError(`The commit description must be at most ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  if (summary.includes('\0') || (typeof description === 'string' && description.includes('\0'))) {
    throw new BadRequestError('The commit message must not contain NUL characters');
  }
  const header: CommitHeader = { summary, description: typeof description === 'string' ? description : '' };
  if (parentCommit !== undefined && parentCommit !== null) {
    if (typeof parentCommit !== 'string' || !PARENT_COMMIT_PATTERN.test(parentCommit.toLowerCase())) {
      throw new BadRequestError('"parentCommit" must be 5 to 40 hexadecimal characters');
    }
    header.parentCommit = parentCommit.toLowerCase();
  }
  return header;
}

/** The commit message git records: the summary, then the description after a blank line. */
export function commitMessage(header: CommitHeader): string {
  const description = header.description.trim();
  return description === '' ? header.summary : `${header.summary}\n\n${description}`;
}

function optionalString(value: Record<string, unknown>, field: string, key: string): string | undefined {
  const raw = value[field];
  if (raw === undefined || raw === null) {
    return undefined;
  }
  if (typeof raw !== 'string') {
    throw new BadRequestError(`"${key}.${field}" must be a string`);
  }
  return raw;
}

function decodeContent(path: string, content: string, encoding: string | undefined, limits: PayloadLimits): Buffer {
  let bytes: Buffer;
  switch ((encoding ?? 'base64').toLowerCase()) {
    case 'base64':
      if (!BASE64_PATTERN.test(content)) {
        throw new BadRequestError(`The content of "${path}" is not valid base64`);
      }
      if ((content.length / 4) * 3 > limits.maxRegularFileBytes + 2) {
        throw regularFileTooLarge(path, limits);
      }
      bytes = Buffer.from(content, 'base64');
      break;
    case 'utf-8':
    case 'utf8':
      bytes = Buffer.from(content, 'utf8');
      break;
    default:
      throw new BadRequestError(`Unsupported encoding "${encoding}" for "${path}": use base64 or utf-8`);
  }
  if (bytes.length > limits.maxRegularFileBytes) {
    throw regularFileTooLarge(path, limits);
  }
  return bytes;
}

function regularFileTooLarge(path: string, limits: PayloadLimits): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `"${path}" is larger than ${limits.maxRegularFileBytes} bytes: upload it with Git LFS (an "lfsFile" line) instead`,
  );
}

/** Validates one change line; paths are checked here, existence later against the tree. */
export function parseOperation(line: PayloadLine, limits: PayloadLimits): CommitOperation {
  const { key, value } = line;
  if (key === 'header') {
    throw new BadRequestError('The commit payload may hold only one "header" line, the first');
  }
  if (!(OPERATION_KEYS as readonly string[]).includes(key)) {
    throw new BadRequestError(
      `Unknown line key "${key}" in the commit payload; expected one of ${OPERATION_KEYS.join(', ')}`,
    );
  }
  const op = key as (typeof OPERATION_KEYS)[number];
  switch (op) {
    case 'file': {
      const path = validateRepoPath(value.path);
      const oldPath = optionalString(value, 'oldPath', key);
      const content = optionalString(value, 'content', key);
      if (content === undefined && oldPath === undefined) {
        throw new BadRequestError(`"file" line for "${path}" has no "content"`);
      }
      return {
        key: op,
        path,
        content:
          content === undefined
            ? undefined
            : decodeContent(path, content, optionalString(value, 'encoding', key), limits),
        oldPath: oldPath === undefined ? undefined : validateRepoPath(oldPath),
      };
    }
    case 'lfsFile': {
      const path = validateRepoPath(value.path);
      const oldPath = optionalString(value, 'oldPath', key);
      const oid = optionalString(value, 'oid', key)?.toLowerCase();
      const algo = optionalString(value, 'algo', key) ?? 'sha256';
      if (algo !== 'sha256' && algo !== 'sha_256') {
        throw new BadRequestError(`Unsupported hash algorithm "${algo}" for "${path}": only sha256 is supported`);
      }
      if (oid === undefined && oldPath === undefined) {
        throw new BadRequestError(`"lfsFile" line for "${path}" has no "oid"`);
      }
      if (oid !== undefined && !SHA256_PATTERN.test(oid)) {
        throw new BadRequestError(`"lfsFile" line for "${path}" has an invalid oid: expected 64 hex characters`);
      }
      const size = value.size;
      if (size !== undefined && size !== null && (!Number.isSafeInteger(size) || (size as number) < 0)) {
        throw new BadRequestError(`"lfsFile" line for "${path}" has an invalid size`);
      }
      return {
        key: op,
        path,
        oid,
        size: typeof size === 'number' ? size : undefined,
        oldPath: oldPath === undefined ? undefined : validateRepoPath(oldPath),
      };
    }
    case 'deletedFile':
      return { key: op, path: validateRepoPath(value.path) };
    case 'deletedFolder':
      return { key: op, path: validateFolderPath(value.path) };
    case 'copyFile': {
      const srcRevision = optionalString(value, 'srcRevision', key);
      return {
        key: op,
        path: validateRepoPath(value.path),
        srcPath: validateRepoPath(value.srcPath),
        srcRevision: srcRevision === '' ? undefined : srcRevision,
      };
    }
  }
}
