import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { AuthUser } from 'src/common/auth-user';
import {
  BadRequestError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from 'src/common/errors/hub-error';
import { AvatarRepository } from 'src/auth/avatar.repository';
import { AvatarDeleteResponseDto, AvatarUploadResponseDto, UploadedImageFile } from 'src/auth/avatar.dto';
import { MembershipsService } from 'src/auth/memberships.service';
import { NamespaceOwner, UsersService } from 'src/auth/users.service';
import { detectImageFormat, ImageRepository } from 'src/image/image.repository';
import { BlobStorage } from 'src/storage/blob-storage';
import { BlobNotFoundError } from 'src/storage/storage.errors';

export const AVATAR_MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const AVATAR_SIZE = 1024;
export const AVATAR_JPEG_QUALITY = 95;
const ACCEPTED_FORMATS = 'JPEG, PNG, WebP or GIF';

export type AvatarOwnerKind = 'user' | 'organization';

/** What a GET of an avatar answers: the image, or "unchanged" when the client's cached copy is current. */
export type AvatarRead =
  { kind: 'not-modified'; hash: string } | { kind: 'image'; hash: string; size: number; body: Readable };

export class AvatarTooLargeError extends PayloadTooLargeError {
  constructor() {
    super(`The image is larger than the ${AVATAR_MAX_UPLOAD_BYTES / 1024 / 1024} MB limit for avatars`);
  }
}

export class AvatarFileMissingError extends BadRequestError {
  constructor() {
    super('Send the image as the "file" field of a multipart/form-data body');
  }
}

export class UnsupportedAvatarFormatError extends UnsupportedMediaTypeError {
  constructor() {
    super(`The file is not a supported image: upload a ${ACCEPTED_FORMATS} image`);
  }
}

export class AvatarNotFoundError extends NotFoundError {
  constructor(owner: NamespaceOwner) {
    super(`${owner.isOrg ? 'Organization' : 'User'} ${owner.name} has no avatar`);
  }
}

export function avatarBlobKey(hash: string): string {
  return `avatars/${hash}.jpg`;
}

/** True when an `If-None-Match` header names the current ETag (or `*`); weak and strong forms compare equal. */
export function matchesEtag(ifNoneMatch: string | undefined, hash: string): boolean {
  if (!ifNoneMatch) {
    return false;
  }
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === `"${hash}"`;
  });
}

/**
 * Avatars of users and organisations: stored once per content hash in blob storage (so identical
 * images share one blob), referenced from `users.avatar_hash`.
 */
@Injectable()
export class AvatarService {
  private readonly logger = new Logger(AvatarService.name);

  constructor(
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
    private readonly avatars: AvatarRepository,
    private readonly images: ImageRepository,
    private readonly storage: BlobStorage,
  ) {}

  async uploadAvatar(
    caller: AuthUser,
    kind: AvatarOwnerKind,
    name: string,
    file: UploadedImageFile | undefined,
  ): Promise<AvatarUploadResponseDto> {
    const owner = await this.getEditableOwner(caller, kind, name);
    if (!file) {
      throw new AvatarFileMissingError();
    }
    const format = detectImageFormat(file.buffer);
    if (!format) {
      throw new UnsupportedAvatarFormatError();
    }
    const jpeg = await this.images.toSquareJpeg(file.buffer, format, {
      size: AVATAR_SIZE,
      quality: AVATAR_JPEG_QUALITY,
    });
    const hash = createHash('sha256').update(jpeg).digest('hex');
    await this.storage.put(avatarBlobKey(hash), Readable.from(jpeg), { size: jpeg.length, contentType: 'image/jpeg' });
    await this.users.updateProfile(owner.id, { avatarHash: hash });
    if (owner.avatarHash && owner.avatarHash !== hash) {
      await this.releaseBlob(owner.avatarHash);
    }
    return { success: true, message: 'Avatar uploaded successfully', size_bytes: jpeg.length };
  }

  async deleteAvatar(caller: AuthUser, kind: AvatarOwnerKind, name: string): Promise<AvatarDeleteResponseDto> {
    const owner = await this.getEditableOwner(caller, kind, name);
    if (!owner.avatarHash) {
      throw new AvatarNotFoundError(owner);
    }
    await this.users.updateProfile(owner.id, { avatarHash: null });
    await this.releaseBlob(owner.avatarHash);
    return { success: true, message: 'Avatar deleted successfully' };
  }

  async readAvatar(kind: AvatarOwnerKind, name: string, ifNoneMatch: string | undefined): Promise<AvatarRead> {
    const owner = await this.getOwner(kind, name);
    const hash = owner.avatarHash;
    if (!hash) {
      throw new AvatarNotFoundError(owner);
    }
    if (matchesEtag(ifNoneMatch, hash)) {
      return { kind: 'not-modified', hash };
    }
    try {
      const blob = await this.storage.get(avatarBlobKey(hash));
      return { kind: 'image', hash, size: blob.size, body: blob.body };
    } catch (error) {
      // A concurrent replacement may have removed the blob between reading the row and opening it.
      if (error instanceof BlobNotFoundError) {
        throw new AvatarNotFoundError(owner);
      }
      throw error;
    }
  }

  private getOwner(kind: AvatarOwnerKind, name: string): Promise<NamespaceOwner> {
    return kind === 'user' ? this.users.getUserByName(name) : this.users.getOrganisationByName(name);
  }

  /** A user's avatar is theirs to change; an organisation's belongs to its admins. Site admins may change any. */
  private async getEditableOwner(caller: AuthUser, kind: AvatarOwnerKind, name: string): Promise<NamespaceOwner> {
    const owner = await this.getOwner(kind, name);
    if (caller.isAdmin) {
      return owner;
    }
    if (kind === 'user') {
      if (owner.id !== caller.id) {
        throw new ForbiddenError('You can only change your own avatar');
      }
    } else if ((await this.memberships.getRole(owner.id, caller.id)) !== 'admin') {
      throw new ForbiddenError(`Only admins of the organization ${owner.name} can change its avatar`);
    }
    return owner;
  }

  /**
   * Removes an avatar blob nobody shows any more. A failure only leaves an unused blob behind,
   * so it is logged rather than failing a change that has already been saved.
   */
  private async releaseBlob(hash: string): Promise<void> {
    if ((await this.avatars.countOwnersOf(hash)) > 0) {
      return;
    }
    try {
      await this.storage.delete(avatarBlobKey(hash));
    } catch (error) {
      this.logger.warn({ err: error, hash }, 'Could not delete an unused avatar blob');
    }
  }
}
