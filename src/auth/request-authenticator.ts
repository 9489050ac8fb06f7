import { Injectable } from '@nestjs/common';
import { AuthUser, HubRequest } from 'src/common/auth-user';
import { readPresentedCredential } from 'src/auth/credentials';

/**
 * Turns the credential a request presents into the caller: `undefined` when none was presented,
 * `'invalid'` when one was presented but does not check out.
 */
@Injectable()
export class RequestAuthenticator {
  authenticate(request: HubRequest): Promise<AuthUser | 'invalid' | undefined> {
    const presented = readPresentedCredential(request);
    if (presented === undefined) {
      return Promise.resolve(undefined);
    }
    // No account store exists yet, so no presented credential can be valid.
    return Promise.resolve('invalid');
  }
}
