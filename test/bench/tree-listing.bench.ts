/**
 * Tree listing, paths-info and history on a large repository, next to the git commands that
 * produce the same data (`git ls-tree -r -t --long`, `git log`), in the same run.
 *
 * The repository gets `--files` files (default 100,000, in 100 folders) in one commit and a history
 * of `--commits` commits (default 1,000), written with `git fast-import` straight into the hub's
 * bare repository (the API's commit path is another benchmark's subject). Every request is a plain
 * `fetch` over loopback, as a client sends it.
 *
 *   npm run bench -- tree-listing --files 100000 --commits 1000 --runs 5
 *
 * It prints figures only and asserts nothing.
 */
import { spawn } from 'node:child_process';
import { GitRepoStore } from 'src/git/git-repo-store';
import { RepoService } from 'src/repo/repo.service';
import { createBenchHub, createBenchRepo, median, option, run, timed } from 'test/bench/bench-utils';

/** Streams a fast-import script into git: one commit with `files` files, then `commits` small ones. */
async function fastImport(gitDir: string, files: number, commits: number): Promise<void> {
  const child = spawn('git', [`--git-dir=${gitDir}`, 'fast-import', '--quiet', '--date-format=raw'], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited with ${code}`))));
  });
  const write = (text: string): Promise<void> =>
    new Promise((resolve) => (child.stdin.write(text) ? resolve() : child.stdin.once('drain', resolve)));
  const head = (await run('git', [`--git-dir=${gitDir}`, 'rev-parse', 'refs/heads/main'])).stdout.trim();
  let time = 1_700_000_000;
  await write(
    `commit refs/heads/main\ncommitter bench <bench@example.com> ${time} +0000\ndata 10\nMany files\nfrom ${head}\n`,
  );
  for (let index = 0; index < files; index++) {
    const content = `file ${index}\n`;
    await write(
      `M 100644 inline folder-${index % 100}/file-${index}.txt\ndata ${Buffer.byteLength(content)}\n${content}\n`,
    );
  }
  for (let index = 0; index < commits; index++) {
    time += 60;
    const content = `${index}\n`;
    const message = `Step ${index}`;
    await write(
      `commit refs/heads/main\ncommitter bench <bench@example.com> ${time} +0000\ndata ${message.length}\n${message}\n` +
        `M 100644 inline counter-${index % 10}.txt\ndata ${content.length}\n${content}\n`,
    );
  }
  child.stdin.end();
  await exited;
}

async function getJson(url: string, init?: RequestInit): Promise<{ body: unknown[]; next: string | null }> {
  const response = await fetch(url, init);
  if (!response.ok) {
    throw new Error(`${url}: ${response.status} ${await response.text()}`);
  }
  const link = response.headers.get('link');
  return {
    body: (await response.json()) as unknown[],
    next: link === null ? null : (/^<([^>]+)>/.exec(link)?.[1] ?? null),
  };
}

async function medianMs(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let index = 0; index < runs; index++) {
    times.push((await timed(work)).seconds * 1000);
  }
  return median(times);
}

async function main(): Promise<void> {
  const fileCount = option('files', 100_000);
  const commitCount = option('commits', 1000);
  const runs = option('runs', 5);
  const { hub, token } = await createBenchHub();
  try {
    await createBenchRepo(hub, token, 'large');
    const repo = await hub.app.get(RepoService).findRepo('model', 'bench', 'large');
    const gitDir = hub.app.get(GitRepoStore).open(repo.storageId).gitDir;
    const built = await timed(() => fastImport(gitDir, fileCount, commitCount));
    console.log(`repository: ${fileCount} files, ${commitCount + 2} commits (built in ${built.seconds.toFixed(1)} s)`);

    const api = `${hub.url}/api/models/bench/large`;
    const entries = fileCount + 100 + 10 + 1;
    const gitLsTree = await medianMs(runs, () =>
      run('git', [`--git-dir=${gitDir}`, 'ls-tree', '-r', '-t', '--long', '-z', 'main'], { maxBuffer: 1 << 30 }),
    );
    const firstPage = await medianMs(runs, () => getJson(`${api}/tree/main?recursive=true`));
    let lastPageUrl = '';
    const walk = await timed(async () => {
      let url: string | null = `${api}/tree/main?recursive=true`;
      let count = 0;
      while (url !== null) {
        lastPageUrl = url;
        const page = await getJson(url);
        count += page.body.length;
        url = page.next;
      }
      return count;
    });
    const lastPage = await medianMs(runs, () => getJson(lastPageUrl));
    const rootPage = await medianMs(runs, () => getJson(`${api}/tree/main`));
    const folderPage = await medianMs(runs, () => getJson(`${api}/tree/main/folder-7`));
    const expandedPage = await medianMs(runs, () => getJson(`${api}/tree/main?expand=true`));
    const paths = Array.from({ length: 1000 }, (_, index) => `folder-${(index * 37) % 100}/file-${index * 37}.txt`);
    const pathsInfo = await medianMs(runs, () =>
      getJson(`${api}/paths-info/main`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ paths }),
      }),
    );
    const gitLog = await medianMs(runs, () =>
      run('git', [`--git-dir=${gitDir}`, 'log', '-50', '--format=%H%x00%s', 'main']),
    );
    const commitsPage = await medianMs(runs, () => getJson(`${api}/commits/main`));
    let lastCommitsUrl = '';
    const history = await timed(async () => {
      let url: string | null = `${api}/commits/main`;
      let count = 0;
      while (url !== null) {
        lastCommitsUrl = url;
        const page = await getJson(url);
        count += page.body.length;
        url = page.next;
      }
      return count;
    });
    const lastCommitsPage = await medianMs(runs, () => getJson(lastCommitsUrl));

    console.log(`git ls-tree -r -t --long (all ${entries} entries):   ${gitLsTree.toFixed(1)} ms`);
    console.log(`tree, recursive, first page (1000):         ${firstPage.toFixed(1)} ms`);
    console.log(`tree, recursive, last page:                 ${lastPage.toFixed(1)} ms`);
    console.log(
      `tree, recursive, all ${walk.value} entries:      ${(walk.seconds * 1000).toFixed(0)} ms ` +
        `(${Math.ceil(walk.value / 1000)} pages, ${((walk.seconds * 1000) / gitLsTree).toFixed(1)}x one git ls-tree)`,
    );
    console.log(`tree, root (110 entries):                   ${rootPage.toFixed(1)} ms`);
    console.log(`tree, one folder (${fileCount / 100} entries):          ${folderPage.toFixed(1)} ms`);
    console.log(`tree, root with expand (50, last commits):  ${expandedPage.toFixed(1)} ms`);
    console.log(`paths-info, 1000 paths:                     ${pathsInfo.toFixed(1)} ms`);
    console.log(`git log -50:                                ${gitLog.toFixed(1)} ms`);
    console.log(`commits, first page (50) + X-Total-Count:   ${commitsPage.toFixed(1)} ms`);
    console.log(`commits, last page:                         ${lastCommitsPage.toFixed(1)} ms`);
    console.log(`commits, all ${history.value} in pages of 50:        ${(history.seconds * 1000).toFixed(0)} ms`);
  } finally {
    await hub.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
