import { HubError, NotFoundError } from 'src/common/errors/hub-error';

/** Unknown tokens and ids look the same, so a guessed id tells nothing about tokens. */
export class InvitationNotFoundError extends NotFoundError {
  constructor() {
    super('Invitation not found: check that the link is complete');
  }
}

/** The invitation exists but can no longer be used: expired, used up or cancelled. */
export class InvitationUnavailableError extends HubError {
  constructor(reason: string) {
    super(410, 'Gone', reason);
  }
}
