import { repoNameProblem } from 'src/auth/repo-name-registry';

describe(repoNameProblem.name, () => {
  it.each(['a', 'my-new-repo', 'My_Model.v2', 'gpt2', 'x'.repeat(96), 'a.b-c_d'])('should accept %s', (name) => {
    expect(repoNameProblem(name)).toBeNull();
  });

  it.each([
    ['', /1 to 96 characters/],
    ['x'.repeat(97), /1 to 96 characters/],
    ['my repo', /only letters, digits/],
    ['naïve', /only letters, digits/],
    ['a/b', /only letters, digits/],
    ['-lead', /start or end/],
    ['trail.', /start or end/],
    ['.hidden', /start or end/],
    ['a--b', /"--" or "\.\."/],
    ['a..b', /"--" or "\.\."/],
    ['model.git', /\.git/],
    ['model.GIT', /\.git/],
  ])('should refuse %j', (name, reason) => {
    expect(repoNameProblem(name)).toMatch(reason);
  });
});
