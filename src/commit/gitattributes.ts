import { LFS_ATTRIBUTES } from 'src/repo/default-gitattributes';
import { compileWildmatch } from 'src/commit/wildmatch';

/** What a line says about the `filter` attribute: set to a value, unset (`-filter`) or reset (`!filter`). */
type FilterState = string | false | null;

interface AttributeRule {
  matches(path: string): boolean;
  filter: FilterState;
}

/** git's C-style quoting of a pattern that starts with `"` (octal escapes are bytes of UTF-8). */
function unquoteC(text: string): { value: string; rest: string } | null {
  const bytes: number[] = [];
  let index = 1;
  while (index < text.length) {
    const char = text[index];
    if (char === '"') {
      return { value: Buffer.from(bytes).toString('utf8'), rest: text.slice(index + 1) };
    }
    if (char === '\\') {
      const next = text[index + 1];
      const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '"': 34, '\\': 92 };
      if (next !== undefined && simple[next] !== undefined) {
        bytes.push(simple[next]);
        index += 2;
        continue;
      }
      if (next !== undefined && /^[0-3][0-7]{2}$/.test(text.slice(index + 1, index + 4))) {
        bytes.push(parseInt(text.slice(index + 1, index + 4), 8));
        index += 4;
        continue;
      }
      return null;
    }
    bytes.push(...Buffer.from(char, 'utf8'));
    index++;
  }
  return null;
}

/**
 * A pattern of `.gitattributes` at the repository root: without a `/` it matches the file name at
 * any depth, otherwise the whole path (a leading `/` only anchors). Patterns ending in `/` name
 * folders, which attributes never apply to.
 */
function compilePattern(pattern: string): ((path: string) => boolean) | null {
  if (pattern === '' || pattern.endsWith('/')) {
    return null;
  }
  if (!pattern.includes('/')) {
    const regex = compileWildmatch(pattern);
    return (path) => regex.test(path.slice(path.lastIndexOf('/') + 1));
  }
  const regex = compileWildmatch(pattern.startsWith('/') ? pattern.slice(1) : pattern);
  return (path) => regex.test(path);
}

/**
 * The root `.gitattributes` of a revision (or one a client is about to upload), reduced to what
 * the hub needs: which paths git-lfs would store (`filter=lfs` is the last `filter` setting of the
 * last matching line). Macro definitions (`[attr]…`) and negative patterns are ignored, as git does
 * for the latter; nested `.gitattributes` files are not consulted.
 */
export class GitAttributes {
  private constructor(private readonly rules: readonly AttributeRule[]) {}

  static parse(text: string): GitAttributes {
    const rules: AttributeRule[] = [];
    for (const rawLine of text.split(/\r?\n/)) {
      const line = rawLine.replace(/^[ \t]+/, '');
      if (line === '' || line.startsWith('#') || line.startsWith('[attr]') || line.startsWith('!')) {
        continue;
      }
      let pattern: string;
      let rest: string;
      if (line.startsWith('"')) {
        const unquoted = unquoteC(line);
        if (unquoted === null) {
          continue;
        }
        ({ value: pattern, rest } = unquoted);
      } else {
        const match = /^(\S+)(.*)$/.exec(line);
        if (match === null) {
          continue;
        }
        [, pattern, rest] = match;
      }
      let filter: FilterState | undefined;
      for (const token of rest.split(/[ \t]+/)) {
        if (token === 'filter' || token.startsWith('filter=')) {
          filter = token === 'filter' ? 'true' : token.slice('filter='.length);
        } else if (token === '-filter') {
          filter = false;
        } else if (token === '!filter') {
          filter = null;
        }
      }
      const matches = filter === undefined ? null : compilePattern(pattern);
      if (matches !== null && filter !== undefined) {
        rules.push({ matches, filter });
      }
    }
    return new GitAttributes(rules);
  }

  static empty(): GitAttributes {
    return new GitAttributes([]);
  }

  /** True when git-lfs would store `path` (its `filter` attribute is `lfs`). */
  isLfsTracked(path: string): boolean {
    for (let index = this.rules.length - 1; index >= 0; index--) {
      const rule = this.rules[index];
      if (rule.matches(path)) {
        return rule.filter === 'lfs';
      }
    }
    return false;
  }
}

/**
 * A pattern matching exactly one path from the repository root. Glob characters and the backslash
 * are escaped; whitespace cannot appear in an attributes pattern, so spaces become `[[:space:]]`
 * the way `git lfs track` writes them.
 */
export function exactPathPattern(path: string): string {
  let pattern = '/';
  for (const char of path) {
    if (char === ' ') {
      pattern += '[[:space:]]';
    } else if (char === '*' || char === '?' || char === '[' || char === '\\') {
      pattern += `\\${char}`;
    } else {
      pattern += char;
    }
  }
  return pattern;
}

/** The line `git lfs track` would add for exactly this file. */
export function exactLfsRule(path: string): string {
  return `${exactPathPattern(path)} ${LFS_ATTRIBUTES}`;
}

/**
 * `text` with exact-path LFS rules for those of `lfsPaths` it does not already track, or null if it
 * already tracks them all. Existing content is kept byte for byte; rules are appended in order.
 */
export function withLfsRules(text: string, lfsPaths: Iterable<string>): string | null {
  const attributes = GitAttributes.parse(text);
  const missing = [...new Set(lfsPaths)].filter((path) => !attributes.isLfsTracked(path));
  if (missing.length === 0) {
    return null;
  }
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${separator}${missing.map((path) => `${exactLfsRule(path)}\n`).join('')}`;
}
