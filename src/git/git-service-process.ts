import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { GitProcess, GitStream } from 'src/git/git-process';

/** The two services of git's smart protocol. */
export type GitService = 'upload-pack' | 'receive-pack';

/**
 * Every exit status counts as finished: upload-pack and receive-pack report protocol errors to the
 * client themselves (an `ERR` packet, an `unpack` status), so their output must reach it whole
 * rather than be cut off as a failed command. Only timeouts, signals and spawn failures fail.
 */
const ANY_EXIT_CODE = Array.from({ length: 256 }, (_, code) => code);

/** `Git-Protocol` values look like `version=2` or `version=2:object-format=sha1`; anything else is dropped. */
const GIT_PROTOCOL_PATTERN = /^[A-Za-z0-9=:._-]{1,256}$/;

export interface ReceivePackOptions {
  /** The folder git runs `pre-receive` / `post-receive` from (`core.hooksPath`). */
  hooksPath: string;
  /** Environment the hooks inherit (how to reach the hub, the push's one-time token). */
  hookEnv: Readonly<Record<string, string>>;
  /** `receive.maxInputSize`: git's own cap on the pack, behind the HTTP layer's. */
  maxInputBytes: number;
}

/** The `Git-Protocol` header as git reads it from `GIT_PROTOCOL`, or undefined when absent or malformed. */
export function gitProtocolEnv(header: string | undefined): Record<string, string> {
  return header !== undefined && GIT_PROTOCOL_PATTERN.test(header) ? { GIT_PROTOCOL: header } : {};
}

/**
 * The server side of git's smart HTTP transport: `upload-pack` (clone, fetch) and `receive-pack`
 * (push) in stateless-RPC mode, as `git http-backend` runs them. git assembles and reads every pack;
 * the caller only moves bytes between the HTTP request, the process and the response.
 */
@Injectable()
export class GitServiceProcess {
  constructor(private readonly git: GitProcess) {}

  /** The ref advertisement of `GET info/refs?service=git-<service>` (without the `# service=` preamble). */
  advertiseRefs(gitDir: string, service: GitService, protocolHeader: string | undefined): GitStream {
    return this.git.stream([service, '--stateless-rpc', '--advertise-refs', gitDir], {
      env: gitProtocolEnv(protocolHeader),
      okExitCodes: ANY_EXIT_CODE,
    });
  }

  /** One negotiation round or pack of a fetch: the request is git's stdin, the answer its stdout. */
  uploadPack(gitDir: string, request: Readable, protocolHeader: string | undefined): GitStream {
    return this.git.stream(['upload-pack', '--stateless-rpc', gitDir], {
      env: gitProtocolEnv(protocolHeader),
      stdin: request,
      okExitCodes: ANY_EXIT_CODE,
    });
  }

  /**
   * A push. stdin is handed to the caller, who writes the (possibly rewritten) command list and then
   * the pack. New objects stay in git's quarantine until the `pre-receive` hook accepts them.
   */
  receivePack(gitDir: string, options: ReceivePackOptions): GitStream {
    return this.git.stream(
      [
        '-c',
        `core.hooksPath=${options.hooksPath}`,
        '-c',
        `receive.maxInputSize=${options.maxInputBytes}`,
        'receive-pack',
        '--stateless-rpc',
        gitDir,
      ],
      { env: options.hookEnv, stdin: 'pipe', okExitCodes: ANY_EXIT_CODE },
    );
  }
}
