/**
 * One NDJSON commit of 1,000 small files through the API, next to `git add` + `git commit` of the
 * same files in a local repository (the target is within 2x of git).
 *
 * The hub's side is the whole request as a client sees it: authentication, streaming the body,
 * base64 decoding, one fast-import run, the compare-and-swap on the branch and the database record.
 * git's side starts with the files already on disk and ends when `git commit` returns. The request
 * is sent by `curl` from its own process, so the client does not share the hub's event loop.
 *
 * Run (from the repository root; `--files` defaults to 1000, `--runs` to 5, `--file-bytes` to 2048):
 *
 *   npm run bench -- commit-1000-files --runs 5
 *
 * It prints figures only and asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createBenchHub, createBenchRepo, median, option, run, timed } from 'test/bench/bench-utils';

/** Text-like files spread over 20 folders, different in every run so no commit is a no-op. */
function makeFiles(count: number, bytes: number): { path: string; content: Buffer }[] {
  return Array.from({ length: count }, (_, index) => ({
    path: `folder-${index % 20}/file-${index}.txt`,
    content: Buffer.from(
      randomBytes(Math.ceil(bytes / 2))
        .toString('hex')
        .slice(0, bytes),
    ),
  }));
}

async function gitCommit(workTree: string): Promise<void> {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
  };
  await run('git', ['-C', workTree, 'add', '-A'], { env });
  await run('git', ['-C', workTree, 'commit', '-q', '-m', 'Add files'], { env });
}

async function main(): Promise<void> {
  const fileCount = option('files', 1000);
  const fileBytes = option('file-bytes', 2048);
  const runs = option('runs', 5);
  const workDir = mkdtempSync(join(tmpdir(), 'kohaku-commit-bench-'));
  const { hub, token } = await createBenchHub();
  try {
    console.log(`Commit benchmark: ${fileCount} files of ${fileBytes} bytes in one commit, ${runs} run(s)`);
    const hubTimes: number[] = [];
    const gitTimes: number[] = [];
    for (let runNumber = 1; runNumber <= runs; runNumber += 1) {
      const files = makeFiles(fileCount, fileBytes);

      // The local side: a fresh repository with the files already written.
      const workTree = join(workDir, `git-${runNumber}`);
      await run('git', ['init', '-q', workTree]);
      for (const file of files) {
        mkdirSync(dirname(join(workTree, file.path)), { recursive: true });
        writeFileSync(join(workTree, file.path), file.content);
      }
      const local = await timed(() => gitCommit(workTree));

      // The hub's side: a fresh repository and the NDJSON body ready on disk, as a client has it.
      const repo = `files-${runNumber}`;
      await createBenchRepo(hub, token, repo);
      const lines = [
        { key: 'header', value: { summary: 'Add files', description: '' } },
        ...files.map((file) => ({
          key: 'file',
          value: { path: file.path, content: file.content.toString('base64'), encoding: 'base64' },
        })),
      ];
      const body = join(workDir, `body-${runNumber}.ndjson`);
      writeFileSync(body, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
      const committed = await timed(() =>
        run(
          'curl',
          [
            '-sS',
            '-o',
            '/dev/null',
            '-w',
            '%{http_code}',
            '-H',
            `Authorization: Bearer ${token}`,
            '-H',
            'Content-Type: application/x-ndjson',
            '--data-binary',
            `@${body}`,
            `${hub.url}/api/models/bench/${repo}/commit/main`,
          ],
          { maxBuffer: 1024 * 1024 },
        ),
      );
      if (committed.value.stdout !== '200') {
        throw new Error(`commit answered ${committed.value.stdout}`);
      }
      hubTimes.push(committed.seconds);
      gitTimes.push(local.seconds);
      console.log(
        `run ${runNumber}: hub NDJSON commit ${(committed.seconds * 1000).toFixed(0)} ms, ` +
          `git add + commit ${(local.seconds * 1000).toFixed(0)} ms, ratio ${(committed.seconds / local.seconds).toFixed(2)}x`,
      );
    }
    console.log(
      `median: hub ${(median(hubTimes) * 1000).toFixed(0)} ms, git ${(median(gitTimes) * 1000).toFixed(0)} ms, ` +
        `ratio ${(median(hubTimes) / median(gitTimes)).toFixed(2)}x (target <= 2x)`,
    );
  } finally {
    await hub.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
