import { Injectable, Logger } from '@nestjs/common';
import { AuthUser } from 'src/common/auth-user';
import { RepoRecord } from 'src/repo/repo-record';

/** What a push would add, measured while its objects are still in git's quarantine. */
export interface PushQuotaRequest {
  repo: RepoRecord;
  user: AuthUser;
  /** Bytes of the request body receive-pack read (the pack, decompressed): what the push costs on disk at most. */
  pushedBytes: number;
  /** Objects new to the repository, and the uncompressed bytes of the blobs among them. */
  newObjectCount: number;
  newBlobBytes: number;
  /** Distinct LFS objects the new commits point at, with their sizes (already stored and verified). */
  lfsObjects: readonly { oid: string; size: number }[];
}

/**
 * The quota hook of `git push`, asked before any ref moves. An implementation refuses a push by
 * throwing `QuotaExceededError`; its message is shown to the user by git. The quota issue binds
 * its own implementation to this token; until then `UnlimitedPushQuotaPolicy` allows everything.
 */
export abstract class PushQuotaPolicy {
  abstract assertPushAllowed(request: PushQuotaRequest): Promise<void>;
}

/** Allows every push; it logs what each one adds so operators can see usage before quotas exist. */
@Injectable()
export class UnlimitedPushQuotaPolicy extends PushQuotaPolicy {
  private readonly logger = new Logger(UnlimitedPushQuotaPolicy.name);

  assertPushAllowed(request: PushQuotaRequest): Promise<void> {
    this.logger.debug(
      {
        repo: request.repo.fullId,
        user: request.user.username,
        pushedBytes: request.pushedBytes,
        newObjectCount: request.newObjectCount,
        newBlobBytes: request.newBlobBytes,
        lfsBytes: request.lfsObjects.reduce((total, object) => total + object.size, 0),
      },
      'Push accepted without a quota',
    );
    return Promise.resolve();
  }
}
