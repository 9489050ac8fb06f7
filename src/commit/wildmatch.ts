/**
 * git's `wildmatch` with `WM_PATHNAME`, as `.gitattributes` and `.gitignore` use it, compiled to a
 * regular expression: `*` and `?` never match `/`; `**` matches across folders only as a whole
 * segment (`**\/x`, `a/**`, `a/**\/b`); `[...]` brackets with ranges, `!`/`^` negation and POSIX
 * classes; a backslash makes the next character literal.
 */
const POSIX_CLASSES: Record<string, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: ' \\t\\n\\r\\f\\v',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Escapes one character for use inside a RegExp character class. */
function escapeInClass(char: string): string {
  return /[\\\]^-]/.test(char) ? `\\${char}` : char;
}

/**
 * Parses a bracket expression starting at `pattern[start] === '['`. Returns the RegExp class and
 * the index after the closing `]`, or null when the bracket is not closed (then `[` is literal).
 */
function parseBracket(pattern: string, start: number): { source: string; end: number } | null {
  let index = start + 1;
  let isNegated = false;
  if (pattern[index] === '!' || pattern[index] === '^') {
    isNegated = true;
    index++;
  }
  let body = '';
  let isFirst = true;
  while (index < pattern.length) {
    const char = pattern[index];
    if (char === ']' && !isFirst) {
      // In path mode a class never matches "/", negated or not.
      const source = isNegated ? `[^/${body}]` : `(?!/)[${body}]`;
      return { source, end: index + 1 };
    }
    isFirst = false;
    if (char === '[' && pattern[index + 1] === ':') {
      const close = pattern.indexOf(':]', index + 2);
      const name = close < 0 ? undefined : pattern.slice(index + 2, close);
      if (name !== undefined && POSIX_CLASSES[name] !== undefined) {
        body += POSIX_CLASSES[name];
        index = close + 2;
        continue;
      }
    }
    let literal = char;
    if (char === '\\' && index + 1 < pattern.length) {
      index++;
      literal = pattern[index];
    }
    if (pattern[index + 1] === '-' && pattern[index + 2] !== undefined && pattern[index + 2] !== ']') {
      let upper = pattern[index + 2];
      let next = index + 3;
      if (upper === '\\' && index + 3 < pattern.length) {
        upper = pattern[index + 3];
        next = index + 4;
      }
      body += `${escapeInClass(literal)}-${escapeInClass(upper)}`;
      index = next;
      continue;
    }
    body += escapeInClass(literal);
    index++;
  }
  return null;
}

/** Compiles a pattern to a RegExp source matching a whole path (no anchors added). */
export function wildmatchSource(pattern: string): string {
  let source = '';
  let index = 0;
  while (index < pattern.length) {
    const char = pattern[index];
    if (char === '*') {
      let end = index;
      while (pattern[end] === '*') {
        end++;
      }
      const isSegmentStart = index === 0 || pattern[index - 1] === '/';
      const isSegmentEnd = end === pattern.length || pattern[end] === '/';
      if (end - index >= 2 && isSegmentStart && isSegmentEnd) {
        if (end === pattern.length) {
          // "a/**" matches everything inside a; a leading "**" alone matches everything.
          source += '.*';
          index = end;
        } else {
          // "**/" matches zero or more whole folders.
          source += '(?:.*/)?';
          index = end + 1;
        }
        continue;
      }
      source += '[^/]*';
      index = end;
      continue;
    }
    if (char === '?') {
      source += '[^/]';
      index++;
      continue;
    }
    if (char === '[') {
      const bracket = parseBracket(pattern, index);
      if (bracket !== null) {
        source += bracket.source;
        index = bracket.end;
        continue;
      }
    }
    if (char === '\\' && index + 1 < pattern.length) {
      source += escapeRegExp(pattern[index + 1]);
      index += 2;
      continue;
    }
    source += escapeRegExp(char);
    index++;
  }
  return source;
}

export function compileWildmatch(pattern: string): RegExp {
  return new RegExp(`^${wildmatchSource(pattern)}$`, 'u');
}
