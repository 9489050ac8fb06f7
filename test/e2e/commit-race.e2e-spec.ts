import { TestHub } from 'test/utils/test-hub';
import {
  commitLines,
  createWriterHub,
  fileLine,
  gitIn,
  header,
  listFiles,
  newRepo,
  PayloadLine,
  revParse,
  Writer,
} from 'test/e2e/commit-helpers';

/** `count` commits to `main` of `repoId`, all sent at once; the answers come back in the order sent. */
function commitInParallel(
  hub: TestHub,
  writer: Writer,
  repoId: string,
  count: number,
  linesFor: (index: number) => PayloadLine[],
) {
  return Promise.all(
    Array.from({ length: count }, (_, index) => commitLines(hub, writer.token, repoId, linesFor(index))),
  );
}

function statusesOf(responses: { status: number }[]): number[] {
  return responses.map((response) => response.status).sort();
}

describe('concurrent commits to one branch', () => {
  let hub: TestHub;
  let alice: Writer;

  beforeAll(async () => {
    [hub, alice] = await createWriterHub(['alice']);
  });

  afterAll(async () => {
    await hub.close();
  });

  it('should land all of 20 parallel single-file commits, each exactly once, with a clean fsck', async () => {
    const { id, git } = await newRepo(hub, alice, 'race');
    const before = revParse(git, 'main');
    const responses = await commitInParallel(hub, alice, id, 20, (index) => [
      header(`commit ${index}`),
      fileLine(`file-${index}.txt`, `content ${index}`),
    ]);
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));

    const history = gitIn(git, ['rev-list', `${before}..main`])
      .trim()
      .split('\n');
    expect(history).toHaveLength(20);
    expect(gitIn(git, ['rev-list', '--count', '--merges', 'main']).trim()).toBe('0');
    expect(new Set(responses.map((response) => response.body.commitOid as string))).toEqual(new Set(history));
    expect(listFiles(git, 'main')).toEqual(
      ['.gitattributes', ...Array.from({ length: 20 }, (_, index) => `file-${index}.txt`)].sort(),
    );
    const subjects = gitIn(git, ['log', '--format=%s', `${before}..main`])
      .trim()
      .split('\n')
      .sort();
    expect(subjects).toEqual(Array.from({ length: 20 }, (_, index) => `commit ${index}`).sort());
    const fsck = await git.fsck();
    expect(fsck).toEqual({ ok: true, output: '' });
  });

  it('should let exactly one of several commits pinned to the same parentCommit land; the others get 412', async () => {
    const { id, git } = await newRepo(hub, alice, 'pinned');
    const parent = revParse(git, 'main');
    const responses = await commitInParallel(hub, alice, id, 6, (index) => [
      header(`pinned ${index}`, { parentCommit: parent }),
      fileLine(`p-${index}.txt`, `${index}`),
    ]);
    expect(statusesOf(responses)).toEqual([200, 412, 412, 412, 412, 412]);
    const winner = responses.find((response) => response.status === 200);
    expect(winner?.body.commitOid).toBe(revParse(git, 'main'));
    expect(gitIn(git, ['rev-list', '--count', `${parent}..main`]).trim()).toBe('1');
  });

  it('should rebase deletions too, and fail only the commit whose file another commit deleted', async () => {
    const { id, git } = await newRepo(hub, alice, 'rebase-delete');
    await commitLines(hub, alice.token, id, [header(), fileLine('shared.txt', 's'), fileLine('other.txt', 'o')]).expect(
      200,
    );
    const responses = await commitInParallel(hub, alice, id, 4, (index) => [
      header(`delete ${index}`),
      { key: 'deletedFile', value: { path: 'shared.txt' } },
      fileLine(`d-${index}.txt`, 'd'),
    ]);
    expect(statusesOf(responses)).toEqual([200, 404, 404, 404]);
    expect(listFiles(git, 'main')).toEqual(
      ['.gitattributes', 'other.txt', `d-${responses.findIndex((response) => response.status === 200)}.txt`].sort(),
    );
    expect((await git.fsck()).ok).toBe(true);
  });
});
