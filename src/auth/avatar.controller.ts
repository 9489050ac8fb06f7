import {
  applyDecorators,
  CallHandler,
  Controller,
  Delete,
  ExecutionContext,
  Get,
  Headers,
  HttpCode,
  Injectable,
  NestInterceptor,
  Param,
  PayloadTooLargeException,
  Post,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBody,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { Response } from 'express';
import { pipeline } from 'node:stream';
import { catchError, Observable, throwError } from 'rxjs';
import { AuthUser } from 'src/common/auth-user';
import { Auth, OptionalAuth } from 'src/common/decorators/auth.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import {
  AvatarDeleteResponseDto,
  AvatarUploadResponseDto,
  UploadAvatarDto,
  UploadedImageFile,
} from 'src/auth/avatar.dto';
import { AVATAR_MAX_UPLOAD_BYTES, AvatarRead, AvatarService, AvatarTooLargeError } from 'src/auth/avatar.service';

/** Short enough for a changed avatar to show up soon; the ETag makes revalidation cheap. */
const AVATAR_CACHE_CONTROL = 'public, max-age=300';

/**
 * multer keeps the file in memory (its default storage): sharp needs the whole image anyway, and
 * the size limit bounds what one request can hold. Stopping at one file and a few parts keeps a
 * crafted form from making it parse more.
 */
const AvatarFileInterceptor = FileInterceptor('file', {
  limits: { fileSize: AVATAR_MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 20 },
});

/** Gives multer's bare "File too large" 413 a message that names the limit. */
@Injectable()
class AvatarSizeLimitInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          throwError(() => (error instanceof PayloadTooLargeException ? new AvatarTooLargeError() : error)),
        ),
      );
  }
}

function sendAvatar(response: Response, avatar: AvatarRead): void {
  response.setHeader('ETag', `"${avatar.hash}"`);
  response.setHeader('Cache-Control', AVATAR_CACHE_CONTROL);
  if (avatar.kind === 'not-modified') {
    response.status(304).end();
    return;
  }
  response.status(200);
  response.setHeader('Content-Type', 'image/jpeg');
  response.setHeader('Content-Length', String(avatar.size));
  response.setHeader('X-Content-Type-Options', 'nosniff');
  if (response.req.method === 'HEAD') {
    avatar.body.destroy();
    response.end();
    return;
  }
  // On a storage failure mid-body, pipeline destroys the response, so the client sees a truncated transfer.
  pipeline(avatar.body, response, () => undefined);
}

/** Swagger description shared by the user and organisation upload routes. */
function ApiAvatarUpload(): MethodDecorator {
  return applyDecorators(
    ApiConsumes('multipart/form-data'),
    ApiBody({ type: UploadAvatarDto }),
    ApiOkResponse({ type: AvatarUploadResponseDto }),
    ApiForbiddenResponse({ description: 'The caller may not change this avatar' }),
    ApiPayloadTooLargeResponse({ description: 'The file is larger than 10 MB' }),
    ApiUnsupportedMediaTypeResponse({ description: 'The file is not a JPEG, PNG, WebP or GIF image' }),
  );
}

function ApiAvatarRead(): MethodDecorator {
  return applyDecorators(
    ApiProduces('image/jpeg'),
    ApiOkResponse({ description: 'The avatar as a square JPEG, with an ETag' }),
    ApiNotModifiedResponse({ description: 'If-None-Match named the current ETag' }),
    ApiNotFoundResponse({ description: 'No such user or organization, or it has no avatar' }),
  );
}

/** Avatars of users (`/api/users/{username}/avatar`) and organisations (`/api/organizations/{org_name}/avatar`). */
@ApiTags('avatars')
@Controller('api')
export class AvatarController {
  constructor(private readonly avatarService: AvatarService) {}

  @Post('users/:username/avatar')
  @Auth({ scope: 'write' })
  @HttpCode(200)
  @UseInterceptors(AvatarSizeLimitInterceptor, AvatarFileInterceptor)
  @ApiAvatarUpload()
  uploadUserAvatar(
    @CurrentUser() user: AuthUser,
    @Param('username') username: string,
    @UploadedFile() file: UploadedImageFile | undefined,
  ): Promise<AvatarUploadResponseDto> {
    return this.avatarService.uploadAvatar(user, 'user', username, file);
  }

  @Get('users/:username/avatar')
  @OptionalAuth()
  @ApiAvatarRead()
  async getUserAvatar(
    @Param('username') username: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    sendAvatar(response, await this.avatarService.readAvatar('user', username, ifNoneMatch));
  }

  @Delete('users/:username/avatar')
  @Auth({ scope: 'write' })
  @ApiForbiddenResponse({ description: 'The caller may not change this avatar' })
  deleteUserAvatar(
    @CurrentUser() user: AuthUser,
    @Param('username') username: string,
  ): Promise<AvatarDeleteResponseDto> {
    return this.avatarService.deleteAvatar(user, 'user', username);
  }

  @Post('organizations/:org_name/avatar')
  @Auth({ scope: 'write' })
  @HttpCode(200)
  @UseInterceptors(AvatarSizeLimitInterceptor, AvatarFileInterceptor)
  @ApiAvatarUpload()
  uploadOrganizationAvatar(
    @CurrentUser() user: AuthUser,
    @Param('org_name') orgName: string,
    @UploadedFile() file: UploadedImageFile | undefined,
  ): Promise<AvatarUploadResponseDto> {
    return this.avatarService.uploadAvatar(user, 'organization', orgName, file);
  }

  @Get('organizations/:org_name/avatar')
  @OptionalAuth()
  @ApiAvatarRead()
  async getOrganizationAvatar(
    @Param('org_name') orgName: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    sendAvatar(response, await this.avatarService.readAvatar('organization', orgName, ifNoneMatch));
  }

  @Delete('organizations/:org_name/avatar')
  @Auth({ scope: 'write' })
  @ApiForbiddenResponse({ description: 'The caller may not change this avatar' })
  deleteOrganizationAvatar(
    @CurrentUser() user: AuthUser,
    @Param('org_name') orgName: string,
  ): Promise<AvatarDeleteResponseDto> {
    return this.avatarService.deleteAvatar(user, 'organization', orgName);
  }
}
