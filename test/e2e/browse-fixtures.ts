import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { TestHub } from 'test/utils/test-hub';
import {
  bearer,
  committedOid,
  createRepo,
  fileLine,
  gitIn,
  header,
  lfsFileLine,
  openGit,
  revParse,
  uploadLfsObject,
} from 'test/e2e/commit-helpers';

/** What `seedBrowseRepo` committed, for assertions. */
export interface BrowseRepo {
  repoId: string;
  weights: Buffer;
  weightsOid: string;
  /** Commit ids: the branch heads and the pull request. */
  main: string;
  feature: string;
  pullRequest: string;
}

/**
 * A repository with regular, empty, nested, unicode and LFS files, two commits on `main`, a tag
 * `v1`, a branch `feat/x` with one more file and a pull request `refs/pr/1`.
 */
export async function seedBrowseRepo(hub: TestHub, token: string, name: string): Promise<BrowseRepo> {
  const repoId = `${name.split('/')[0]}/${name.split('/')[1]}`;
  await createRepo(hub, token, name.split('/')[1]);
  const weights = randomBytes(3000);
  const object = await uploadLfsObject(hub, token, repoId, weights);
  await committedOid(hub, token, repoId, [
    header('Add files', { description: 'First upload\n\nwith <details> & more' }),
    fileLine('config.json', '{"a": 1}\n'),
    fileLine('README.md', '# Browse\n'),
    fileLine('empty.txt', ''),
    fileLine('sub dir/notes é.txt', 'notes\n'),
    fileLine('sub dir/deep/x.txt', 'x\n'),
    lfsFileLine('weights.bin', object),
  ]);
  const main = await committedOid(hub, token, repoId, [header('Update config'), fileLine('config.json', '{"a": 2}\n')]);
  await request(hub.url).post(`/api/models/${repoId}/tag/main`).set(bearer(token)).send({ tag: 'v1' }).expect(200);
  await request(hub.url)
    .post(`/api/models/${repoId}/branch/${encodeURIComponent('feat/x')}`)
    .set(bearer(token))
    .send({})
    .expect(200);
  const feature = await committedOid(
    hub,
    token,
    repoId,
    [header('Feature work'), fileLine('sub dir/feature.txt', 'feature\n')],
    { revision: 'feat/x' },
  );
  await committedOid(hub, token, repoId, [header('Proposal'), fileLine('proposal.txt', 'p\n')], {
    query: 'create_pr=1',
  });
  const git = await openGit(hub, repoId);
  return { repoId, weights, weightsOid: object.oid, main, feature, pullRequest: revParse(git, 'refs/pr/1') };
}

/** `git ls-tree` of a revision and folder as `{path, type, sha}`, the independent source of truth. */
export async function gitTree(
  hub: TestHub,
  repoId: string,
  revision: string,
  folder = '',
  recursive = false,
): Promise<{ path: string; type: string; sha: string }[]> {
  const git = await openGit(hub, repoId);
  const treeish = folder === '' ? revision : `${revision}:${folder}`;
  return gitIn(git, ['ls-tree', '-z', ...(recursive ? ['-r', '-t'] : []), treeish])
    .split('\0')
    .filter((record) => record !== '')
    .map((record) => {
      const [meta, path] = record.split('\t');
      const [, type, sha] = meta.split(' ');
      return { path: folder === '' ? path : `${folder}/${path}`, type, sha };
    });
}
