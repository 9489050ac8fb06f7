import { GitIdentity } from 'src/git/git-repository';

/** Commits carry the caller's name and a no-reply address, so no real email leaks into history. */
export function commitIdentity(username: string, date = new Date()): GitIdentity {
  return { name: username, email: `${username}@users.noreply.kohakuhub`, date };
}
