import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ForbiddenError, RepoNotFoundError } from 'src/common/errors/hub-error';
import { headerSafe, statusFor, toHubError } from 'src/common/errors/hub-exception.filter';
import { HubRequest } from 'src/common/auth-user';

describe(toHubError.name, () => {
  it('should keep domain errors as they are', () => {
    const error = new RepoNotFoundError('a/b');
    expect(toHubError(error)).toBe(error);
  });

  it('should map Nest HTTP exceptions to the hub codes', () => {
    expect(toHubError(new NotFoundException('Cannot GET /x'))).toMatchObject({ status: 404, code: 'NotFound' });
    expect(toHubError(new BadRequestException(['name must be a string', 'type is invalid']))).toMatchObject({
      status: 400,
      code: 'BadRequest',
      message: 'name must be a string; type is invalid',
    });
  });

  it('should map body-parser failures to 400 and 413 with a readable message', () => {
    const malformed = Object.assign(new SyntaxError('Unexpected token } in JSON'), {
      status: 400,
      type: 'entity.parse.failed',
    });
    expect(toHubError(malformed)).toMatchObject({ status: 400, code: 'BadRequest' });
    const tooLarge = Object.assign(new Error('request entity too large'), {
      status: 413,
      type: 'entity.too.large',
      limit: 1024,
    });
    expect(toHubError(tooLarge)).toMatchObject({ status: 413, code: 'PayloadTooLarge' });
    expect(toHubError(tooLarge).message).toContain('1024');
  });

  it('should hide the details of unknown errors behind a 500 ServerError', () => {
    const error = toHubError(new Error('ENOENT /secret/path'));
    expect(error).toMatchObject({ status: 500, code: 'ServerError' });
    expect(error.message).not.toContain('/secret/path');
  });
});

describe(headerSafe.name, () => {
  it('should fold newlines and replace characters a header cannot carry', () => {
    expect(headerSafe('line one\r\nline two é')).toBe('line one line two ?');
  });
});

describe(statusFor.name, () => {
  const anonymous = {} as HubRequest;
  const signedIn = { user: { id: 1 } } as unknown as HubRequest;

  it('should answer a missing repository with 401 to anonymous callers and 404 to signed-in ones', () => {
    expect(statusFor(new RepoNotFoundError('alice/secret'), anonymous)).toBe(401);
    expect(statusFor(new RepoNotFoundError('alice/secret'), signedIn)).toBe(404);
  });

  it('should keep the status of every other error', () => {
    expect(statusFor(new ForbiddenError('no'), anonymous)).toBe(403);
  });
});
