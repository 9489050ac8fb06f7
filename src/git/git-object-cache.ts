import { Injectable } from '@nestjs/common';
import { LruMap } from 'src/common/lru-map';
import type { PathObject } from 'src/git/git-repository';

/** Blobs up to this size are remembered whole (LFS pointers, `.gitattributes`, small files). */
export const CACHED_BLOB_MAX_BYTES = 1024;

/**
 * What git answers about an object id never changes (ids are content addresses), so the hot
 * lookups of resolve and browse remember it: a commit's date, the object at a path of a commit,
 * and small blobs. Revisions are still resolved by git every time, which is also what proves that
 * a repository holds a commit; keys carry the repository all the same. Bounded: about 30 MiB.
 */
@Injectable()
export class GitObjectCache {
  readonly commitDates = new LruMap<string, Date>(20_000);
  readonly paths = new LruMap<string, PathObject | null>(50_000);
  readonly smallBlobs = new LruMap<string, Buffer>(20_000);
}
