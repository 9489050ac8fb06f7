import { parentFolders } from 'src/commit/repo-path';
import { compileWildmatch } from 'src/commit/wildmatch';

interface IgnoreRule {
  regex: RegExp;
  /** Without a `/` (other than a trailing one) the pattern matches a name at any depth. */
  isBasename: boolean;
  isNegated: boolean;
  isFolderOnly: boolean;
}

/** Trailing spaces are dropped unless escaped with a backslash. */
function trimTrailingSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && line[end - 1] === ' ' && line[end - 2] !== '\\') {
    end--;
  }
  return line.slice(0, end);
}

/**
 * A root `.gitignore`, as `preupload` needs it: is this file ignored? git's rules apply: the last
 * matching pattern decides, `!` re-includes, a trailing `/` matches folders only, and a file inside
 * an ignored folder stays ignored whatever later patterns say about the file itself.
 */
export class GitIgnore {
  private constructor(private readonly rules: readonly IgnoreRule[]) {}

  static parse(text: string): GitIgnore {
    const rules: IgnoreRule[] = [];
    for (const rawLine of text.split(/\r?\n/)) {
      let line = trimTrailingSpaces(rawLine);
      if (line === '' || line.startsWith('#')) {
        continue;
      }
      let isNegated = false;
      if (line.startsWith('!')) {
        isNegated = true;
        line = line.slice(1);
      } else if (line.startsWith('\\#') || line.startsWith('\\!')) {
        line = line.slice(1);
      }
      let isFolderOnly = false;
      if (line.endsWith('/') && !line.endsWith('\\/')) {
        isFolderOnly = true;
        line = line.replace(/\/+$/, '');
      }
      if (line === '') {
        continue;
      }
      const isBasename = !line.includes('/');
      const pattern = line.startsWith('/') ? line.slice(1) : line;
      rules.push({ regex: compileWildmatch(pattern), isBasename, isNegated, isFolderOnly });
    }
    return new GitIgnore(rules);
  }

  isIgnored(path: string): boolean {
    if (parentFolders(path).some((folder) => this.decide(folder, true))) {
      return true;
    }
    return this.decide(path, false);
  }

  private decide(path: string, isFolder: boolean): boolean {
    const name = path.slice(path.lastIndexOf('/') + 1);
    for (let index = this.rules.length - 1; index >= 0; index--) {
      const rule = this.rules[index];
      if (rule.isFolderOnly && !isFolder) {
        continue;
      }
      if (rule.regex.test(rule.isBasename ? name : path)) {
        return !rule.isNegated;
      }
    }
    return false;
  }
}
