import { Request } from 'express';

export type TokenRole = 'read' | 'write';

/** How the caller proved who they are. */
export type CredentialKind = 'token' | 'session';

/** The authenticated caller, attached to the request by the global auth guard. */
export interface AuthUser {
  id: number;
  username: string;
  isAdmin: boolean;
  credential: CredentialKind;
  /** Role of the API token used, when the caller authenticated with a token; sessions may do anything the user may. */
  tokenRole?: TokenRole;
  /** The token's or the session's database id, so logout and token views know which one was used. */
  credentialId: number;
}

export interface HubRequest extends Request {
  user?: AuthUser;
  /** Set by protocol controllers so the exception filter renders errors their way. */
  errorFormat?: 'lfs' | 'git';
}

export function canWrite(user: AuthUser | undefined): boolean {
  return user !== undefined && user.tokenRole !== 'read';
}
