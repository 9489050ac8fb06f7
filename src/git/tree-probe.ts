import { GitProcess, GitStream } from 'src/git/git-process';

export interface ProbedEntry {
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size: number;
}

/**
 * Looks up many paths of one commit through a single `git cat-file --batch-check` process
 * (`<commit>:<path>` per line), so checking hundreds of paths costs one process start, not one
 * per path. Lookups may be pipelined: answers come back in request order. Paths must be valid
 * repository paths (no newlines, no `./` prefixes), which the commit module guarantees.
 */
export class TreeProbe {
  private readonly stream: GitStream;
  private readonly waiting: { resolve(line: string): void; reject(error: Error): void }[] = [];
  private buffered = '';
  private failure: Error | null = null;
  private readonly cache = new Map<string, Promise<ProbedEntry | null>>();

  constructor(
    git: GitProcess,
    gitDir: string,
    private readonly commitSha: string,
  ) {
    this.stream = git.stream(['cat-file', '--batch-check'], { gitDir, stdin: 'pipe' });
    this.stream.stdout.setEncoding('utf8');
    this.stream.stdout.on('data', (text: string) => this.receive(text));
    this.stream.stdout.on('error', (error: Error) => this.fail(error));
    this.stream.stdout.on('end', () => this.fail(new Error('git cat-file ended early')));
    this.stream.stdin?.on('error', (error: Error) => this.fail(error));
  }

  /** The entry at `path` in the commit (`''` is the root tree), or null when nothing is there. */
  lookup(path: string): Promise<ProbedEntry | null> {
    let answer = this.cache.get(path);
    if (answer === undefined) {
      answer = this.request(path === '' ? `${this.commitSha}^{tree}` : `${this.commitSha}:${path}`);
      this.cache.set(path, answer);
    }
    return answer;
  }

  /** Ends the process; pending lookups fail. Safe to call more than once. */
  close(): void {
    this.stream.stdin?.end();
    this.fail(new Error('The tree probe was closed'));
  }

  private async request(spec: string): Promise<ProbedEntry | null> {
    const line = await new Promise<string>((resolve, reject) => {
      if (this.failure !== null) {
        reject(this.failure);
        return;
      }
      this.waiting.push({ resolve, reject });
      this.stream.stdin?.write(`${spec}\n`);
    });
    if (line.endsWith(' missing') || line.endsWith(' ambiguous')) {
      return null;
    }
    const [sha, type, size] = line.split(' ');
    if (type !== 'blob' && type !== 'tree' && type !== 'commit') {
      return null;
    }
    return { sha, type, size: Number(size) };
  }

  private receive(text: string): void {
    this.buffered += text;
    for (let newline = this.buffered.indexOf('\n'); newline >= 0; newline = this.buffered.indexOf('\n')) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      this.waiting.shift()?.resolve(line);
    }
  }

  private fail(error: Error): void {
    if (this.failure !== null) {
      return;
    }
    this.failure = error;
    for (const waiter of this.waiting.splice(0)) {
      waiter.reject(error);
    }
  }
}
