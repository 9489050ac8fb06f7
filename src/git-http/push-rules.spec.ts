import { refUpdateProblems } from 'src/git-http/push-rules';

const A = 'a'.repeat(40);
const ZERO = '0'.repeat(40);

function update(ref: string, newSha = A): { oldSha: string; newSha: string; ref: string } {
  return { oldSha: A, newSha, ref };
}

describe(refUpdateProblems.name, () => {
  const context = { defaultBranches: ['main'] };

  it('should let branches, tags and pull request refs through', () => {
    expect(
      refUpdateProblems(
        [update('refs/heads/main'), update('refs/heads/feat/x'), update('refs/tags/v1.0'), update('refs/pr/12')],
        context,
      ),
    ).toEqual([]);
  });

  it('should refuse other refs, malformed pull request refs and bare prefixes', () => {
    const problems = refUpdateProblems(
      [update('refs/notes/commits'), update('refs/pr/0'), update('refs/pr/x'), update('refs/heads/'), update('HEAD')],
      context,
    );
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/^refs\/notes\/commits: only branches/);
  });

  it('should refuse deleting the default branch but not others', () => {
    expect(refUpdateProblems([update('refs/heads/main', ZERO)], context)).toEqual([
      'refs/heads/main: the default branch cannot be deleted',
    ]);
    expect(refUpdateProblems([update('refs/heads/feature', ZERO), update('refs/tags/v1', ZERO)], context)).toEqual([]);
  });
});
