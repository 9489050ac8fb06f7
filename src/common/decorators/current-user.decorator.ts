import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AuthUser, HubRequest } from 'src/common/auth-user';

/** The caller attached by the auth guard, or `undefined` on ✗/○ routes called anonymously. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser | undefined => {
  return context.switchToHttp().getRequest<HubRequest>().user;
});
