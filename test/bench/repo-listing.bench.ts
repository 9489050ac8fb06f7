/**
 * Listing and repo info latency on a hub holding many repositories.
 *
 * `--repos` rows (default 20,000) are written straight into the `repos` and `repo_tags` tables
 * (listings read only the index, never git), spread over 50 owners, one in ten private, with random
 * counters, dates and tags. Then each listing query is timed over HTTP: the first page, a page deep
 * into a sort (reached by following `Link` headers), search, tag filters, an author, and a signed-in
 * viewer (whose query also has to find the private repositories they may see). Repo info is timed on
 * a real repository of `--files` files (default 1,000), with and without `blobs=true`.
 *
 *   npm run bench -- repo-listing --repos 20000 --files 1000 --runs 20
 *
 * With TEST_DATABASE_URL set it runs on Postgres. It prints figures only and asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { UsersService } from 'src/auth/users.service';
import { RepoEntity } from 'src/repo/repo.entity';
import { RepoTagEntity } from 'src/repo-info/repo-tag.entity';
import { createBenchHub, createBenchRepo, median, option, timed } from 'test/bench/bench-utils';
import { newAccount } from 'test/utils/accounts';

const OWNERS = 50;
const TAGS = ['nlp', 'vision', 'audio', 'license:mit', 'license:apache-2.0', 'transformers', 'diffusers', 'en', 'fr'];
const INSERT_CHUNK = 500;

async function timeRequests(
  url: string,
  token: string | undefined,
  runs: number,
): Promise<{ ms: number; count: number }> {
  const times: number[] = [];
  let count = 0;
  for (let index = 0; index < runs; index++) {
    const { value, seconds } = await timed(async () => {
      const response = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
      if (!response.ok) {
        throw new Error(`${url}: ${response.status} ${await response.text()}`);
      }
      return (await response.json()) as unknown[] | Record<string, unknown>;
    });
    count = Array.isArray(value) ? value.length : 1;
    times.push(seconds * 1000);
  }
  return { ms: median(times), count };
}

/** The URL of the page `depth` links after `url`. */
async function deepPage(url: string, depth: number): Promise<string> {
  let next = url;
  for (let index = 0; index < depth; index++) {
    const link = (await fetch(next)).headers.get('link');
    const match = link === null ? null : /^<([^>]+)>; rel="next"$/.exec(link);
    if (match === null) {
      throw new Error(`No page ${index + 2} after ${url}`);
    }
    next = match[1];
  }
  return next;
}

async function main(): Promise<void> {
  const repoCount = option('repos', 20_000);
  const fileCount = option('files', 1000);
  const runs = option('runs', 20);
  const { hub, token } = await createBenchHub();
  try {
    const users = hub.app.get(UsersService);
    const ownerIds: number[] = [];
    for (let index = 0; index < OWNERS; index++) {
      await newAccount(hub, `owner${index}`);
      ownerIds.push((await users.findByName(`owner${index}`))?.id ?? 0);
    }
    const dataSource = hub.app.get(DataSource);
    const started = Date.now();
    for (let start = 0; start < repoCount; start += INSERT_CHUNK) {
      const rows = Array.from({ length: Math.min(INSERT_CHUNK, repoCount - start) }, (_, offset) => {
        const index = start + offset;
        return {
          storageId: randomBytes(16).toString('hex'),
          type: 'model' as const,
          ownerId: ownerIds[index % OWNERS],
          name: `model-${index}`,
          normalizedName: `model_${index}`,
          isPrivate: index % 10 === 0,
          downloads: Math.floor(Math.random() * 100_000),
          likes: Math.floor(Math.random() * 1000),
          trendingScore: Math.floor(Math.random() * 500),
          lastModified: new Date(started - Math.floor(Math.random() * 365 * 24 * 3600 * 1000)),
        };
      });
      const inserted = await dataSource.getRepository(RepoEntity).insert(rows);
      const tags = inserted.identifiers.flatMap((identifier, offset) =>
        [TAGS[(start + offset) % TAGS.length], TAGS[(start + offset * 7 + 3) % TAGS.length]]
          .filter((tag, position, all) => all.indexOf(tag) === position)
          .map((tag) => ({ repoId: identifier.id as number, tag })),
      );
      for (let tagStart = 0; tagStart < tags.length; tagStart += INSERT_CHUNK) {
        await dataSource.getRepository(RepoTagEntity).insert(tags.slice(tagStart, tagStart + INSERT_CHUNK));
      }
    }
    const viewer = await newAccount(hub, 'viewer');
    console.log(
      `Listing benchmark on ${dataSource.options.type}: ${repoCount} repositories, ${OWNERS} owners, median of ${runs} runs`,
    );
    const api = `${hub.url}/api/models`;
    const cases: [string, string, string | undefined][] = [
      ['first page (trending, 100)', `${api}?limit=100`, undefined],
      ['first page (likes, 1000)', `${api}?limit=1000&sort=likes`, undefined],
      ['page 50 of lastModified (100 each)', await deepPage(`${api}?limit=100&sort=lastModified`, 49), undefined],
      ['search "model-1234"', `${api}?search=model-1234&limit=100`, undefined],
      ['filter nlp + license:mit', `${api}?filter=nlp&filter=license:mit&limit=100&sort=downloads`, undefined],
      ['author owner7', `${api}?author=owner7&limit=100`, undefined],
      ['signed-in viewer, first page', `${api}?limit=100`, viewer.token],
    ];
    for (const [name, url, caller] of cases) {
      const { ms, count } = await timeRequests(url, caller, runs);
      console.log(`  ${name.padEnd(40)} ${ms.toFixed(1).padStart(8)} ms  (${count} items)`);
    }

    await createBenchRepo(hub, token, 'files');
    const lines = [JSON.stringify({ key: 'header', value: { summary: 'files', description: '' } })];
    for (let index = 0; index < fileCount; index++) {
      const content = Buffer.from(`file ${index}\n`).toString('base64');
      lines.push(
        JSON.stringify({
          key: 'file',
          value: { path: `dir-${index % 20}/f-${index}.txt`, content, encoding: 'base64' },
        }),
      );
    }
    const committed = await fetch(`${hub.url}/api/models/bench/files/commit/main`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson' },
      body: `${lines.join('\n')}\n`,
    });
    if (!committed.ok) {
      throw new Error(`commit failed: ${committed.status} ${await committed.text()}`);
    }
    console.log(`Repo info on a repository of ${fileCount} files, median of ${runs} runs`);
    for (const [name, url] of [
      ['expand[]=likes (no git)', `${hub.url}/api/models/bench/files?expand[]=likes`],
      ['default fields', `${hub.url}/api/models/bench/files`],
      ['blobs=true', `${hub.url}/api/models/bench/files?blobs=true`],
      ['revision HEAD, JS fields', `${hub.url}/api/models/bench/files/revision/HEAD?expand=sha&expand=likes`],
    ] as const) {
      const { ms } = await timeRequests(url, undefined, runs);
      console.log(`  ${name.padEnd(40)} ${ms.toFixed(1).padStart(8)} ms`);
    }
  } finally {
    await hub.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
