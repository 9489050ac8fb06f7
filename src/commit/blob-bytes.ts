import { GitRepository } from 'src/git/git-repository';

/**
 * The content of a small blob (`.gitattributes`, `.gitignore`, LFS pointers), or null when the
 * repository lacks it or it is bigger than `maxBytes` (then it is not read at all).
 */
export async function readSmallBlob(git: GitRepository, sha: string, maxBytes: number): Promise<Buffer | null> {
  const blob = await git.readBlob(sha);
  if (blob === null) {
    return null;
  }
  if (blob.size > maxBytes) {
    blob.body.destroy();
    return null;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of blob.body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, blob.size);
}
