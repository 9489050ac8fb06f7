import { Injectable } from '@nestjs/common';
import { Request, Response } from 'express';
import { AuthUser } from 'src/common/auth-user';
import { ForbiddenError, RepoMovedError, RepoNotFoundError } from 'src/common/errors/hub-error';
import { HubConfig } from 'src/config/hub-config';
import { GitRepoStore } from 'src/git/git-repo-store';
import { GitService, GitServiceProcess } from 'src/git/git-service-process';
import { GitPushService } from 'src/git-http/git-push.service';
import { NO_CACHE_HEADERS, discardRequestBody, sendGitOutput } from 'src/git-http/git-response';
import { FLUSH_PKT, pktLine } from 'src/git-http/pkt-line';
import { BodyLimitExceededError, decodeGitBody } from 'src/git-http/request-body';
import { RepoRecord } from 'src/repo/repo-record';
import { RepoService } from 'src/repo/repo.service';
import { RepoType } from 'src/repo/repo-types';

/** A repository as a git URL names it: `/{prefix}{namespace}/{name}[.git]`. */
export interface GitRepoTarget {
  type: RepoType;
  namespace: string;
  /** As it appears in the URL; a trailing `.git` is dropped here (repository names never end in it). */
  name: string;
}

/** Requests that reach the right route but the wrong service, or the dumb protocol. */
export class GitServiceNotAvailableError extends ForbiddenError {}

const SERVICES: Readonly<Record<string, GitService>> = {
  'git-upload-pack': 'upload-pack',
  'git-receive-pack': 'receive-pack',
};

function isProtocolV2(header: string | undefined): boolean {
  return header?.split(':').some((entry) => entry.trim() === 'version=2') ?? false;
}

/**
 * git smart HTTP (gitprotocol-http) in front of `git upload-pack` / `git receive-pack`, with the
 * hub's own authentication: what `git http-backend` does, minus CGI. Reads are open to whoever may
 * read the repository; anonymous callers who may not are asked for credentials (401), so git's
 * credential helper runs, and signed-in callers who may not read see the repository as missing.
 */
@Injectable()
export class GitHttpService {
  constructor(
    private readonly repos: RepoService,
    private readonly store: GitRepoStore,
    private readonly services: GitServiceProcess,
    private readonly pushes: GitPushService,
    private readonly config: HubConfig,
  ) {}

  /** `GET …/info/refs?service=git-upload-pack|git-receive-pack`: the ref advertisement. */
  async advertiseRefs(
    user: AuthUser | undefined,
    target: GitRepoTarget,
    serviceName: unknown,
    request: Request,
    response: Response,
  ): Promise<void> {
    const service = typeof serviceName === 'string' ? SERVICES[serviceName] : undefined;
    if (service === undefined) {
      throw new GitServiceNotAvailableError(
        typeof serviceName === 'string'
          ? `Unsupported git service "${serviceName}"`
          : 'Only the smart HTTP protocol is served: use git 1.6.6 or newer',
      );
    }
    const repo = await this.repoFor(user, target, service === 'receive-pack' ? 'write' : 'read', true);
    // Push has no protocol v2; git falls back to v0 there, and so do we.
    const protocol = service === 'upload-pack' ? request.header('git-protocol') : undefined;
    const git = this.services.advertiseRefs(this.store.pathFor(repo.storageId), service, protocol);
    const preamble = isProtocolV2(protocol)
      ? undefined
      : Buffer.concat([pktLine(`# service=git-${service}\n`), FLUSH_PKT]);
    await sendGitOutput(response, git, {
      service,
      contentType: `application/x-git-${service}-advertisement`,
      preamble,
    });
  }

  /** `GET …/HEAD`: the dumb-protocol HEAD file, naming the default branch. */
  async readHead(user: AuthUser | undefined, target: GitRepoTarget, response: Response): Promise<void> {
    const repo = await this.repoFor(user, target, 'read', true);
    const head = await this.store.open(repo.storageId).readHead();
    response.status(200);
    response.setHeader('Content-Type', 'text/plain; charset=utf-8');
    for (const [name, value] of Object.entries(NO_CACHE_HEADERS)) {
      response.setHeader(name, value);
    }
    response.send(head.ref !== null ? `ref: ${head.ref}\n` : `${head.commitSha ?? ''}\n`);
  }

  /** `POST …/git-upload-pack`: one stateless round of a fetch or clone (v0 negotiation, or a v2 command). */
  async uploadPack(
    user: AuthUser | undefined,
    target: GitRepoTarget,
    request: Request,
    response: Response,
  ): Promise<void> {
    const repo = await this.repoFor(user, target, 'read', false);
    const limit = this.config.git.maxFetchRequestBytes;
    const body = decodeGitBody(
      request,
      limit,
      () => new BodyLimitExceededError(limit, `A fetch request may be at most ${limit} bytes`),
    );
    const git = this.services.uploadPack(
      this.store.pathFor(repo.storageId),
      body.stream,
      request.header('git-protocol'),
    );
    try {
      await sendGitOutput(response, git, {
        service: 'upload-pack',
        contentType: 'application/x-git-upload-pack-result',
      });
    } catch (error) {
      discardRequestBody(request);
      throw error;
    }
  }

  /** `POST …/git-receive-pack`: a push, by someone with write access. */
  async receivePack(user: AuthUser, target: GitRepoTarget, request: Request, response: Response): Promise<void> {
    const repo = await this.repoFor(user, target, 'write', false);
    await this.pushes.receivePack(user, repo, request, response);
  }

  /**
   * The repository with `needed` access (an anonymous caller who cannot see it gets the 401
   * RepoNotFound that makes git ask for credentials). Discovery follows renames with a redirect (git follows it on the first request);
   * the POST requests that come after never do.
   */
  private async repoFor(
    user: AuthUser | undefined,
    target: GitRepoTarget,
    needed: 'read' | 'write',
    mayRedirect: boolean,
  ): Promise<RepoRecord> {
    const name = target.name.replace(/\.git$/i, '');
    try {
      return await this.repos.getRepo(user, target.type, target.namespace, name, needed);
    } catch (error) {
      if (error instanceof RepoMovedError) {
        if (!mayRedirect || error.relocate === undefined) {
          throw new RepoNotFoundError(`${target.namespace}/${name}`);
        }
        // The redirect rewrites the path segment by segment, and `name.git` is one segment.
        const suffix = name === target.name ? '' : target.name.slice(name.length);
        throw new RepoMovedError(`${target.namespace}/${target.name}`, `${error.relocate.to}${suffix}`);
      }
      throw error;
    }
  }
}
