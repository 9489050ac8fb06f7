import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { AuthUser } from 'src/common/auth-user';
import { ForbiddenError, NotFoundError } from 'src/common/errors/hub-error';
import { AvatarRepository } from 'src/auth/avatar.repository';
import {
  AvatarFileMissingError,
  AvatarNotFoundError,
  AvatarService,
  matchesEtag,
  UnsupportedAvatarFormatError,
} from 'src/auth/avatar.service';
import { MembershipsService } from 'src/auth/memberships.service';
import { NamespaceOwner, UsersService } from 'src/auth/users.service';
import { ImageRepository } from 'src/image/image.repository';
import { BlobStorage } from 'src/storage/blob-storage';
import { BlobNotFoundError } from 'src/storage/storage.errors';

const PNG_BYTES = Buffer.from('\x89PNG\r\n\x1a\n rest of the file', 'latin1');
const JPEG_OUTPUT = Buffer.from('processed jpeg bytes');
const OUTPUT_HASH = createHash('sha256').update(JPEG_OUTPUT).digest('hex');

const alice: AuthUser = { id: 7, username: 'alice', isAdmin: false, credential: 'token', credentialId: 1 };
const admin: AuthUser = { id: 1, username: 'root', isAdmin: true, credential: 'token', credentialId: 2 };

function owner(fields: Partial<NamespaceOwner>): NamespaceOwner {
  return {
    id: 7,
    name: 'alice',
    isOrg: false,
    fullName: null,
    email: null,
    avatarHash: null,
    isAdmin: false,
    createdAt: new Date(),
    ...fields,
  };
}

describe(AvatarService.name, () => {
  let sut: AvatarService;
  let users: jest.Mocked<Pick<UsersService, 'getUserByName' | 'getOrganisationByName' | 'updateProfile'>>;
  let memberships: jest.Mocked<Pick<MembershipsService, 'getRole'>>;
  let avatars: jest.Mocked<Pick<AvatarRepository, 'countOwnersOf'>>;
  let images: jest.Mocked<Pick<ImageRepository, 'toSquareJpeg'>>;
  let storage: jest.Mocked<Pick<BlobStorage, 'put' | 'get' | 'delete'>>;

  beforeEach(() => {
    users = {
      getUserByName: jest.fn().mockResolvedValue(owner({})),
      getOrganisationByName: jest.fn().mockResolvedValue(owner({ id: 50, name: 'acme', isOrg: true })),
      updateProfile: jest.fn().mockResolvedValue(undefined),
    };
    memberships = { getRole: jest.fn().mockResolvedValue(null) };
    avatars = { countOwnersOf: jest.fn().mockResolvedValue(0) };
    images = { toSquareJpeg: jest.fn().mockResolvedValue(JPEG_OUTPUT) };
    storage = {
      put: jest.fn().mockResolvedValue({ size: JPEG_OUTPUT.length }),
      get: jest.fn(),
      delete: jest.fn().mockResolvedValue(undefined),
    };
    sut = new AvatarService(
      users as unknown as UsersService,
      memberships as unknown as MembershipsService,
      avatars as unknown as AvatarRepository,
      images as unknown as ImageRepository,
      storage as unknown as BlobStorage,
    );
  });

  describe('uploadAvatar', () => {
    it('should process the image, store it under its hash and record the hash', async () => {
      const result = await sut.uploadAvatar(alice, 'user', 'alice', { buffer: PNG_BYTES, size: PNG_BYTES.length });

      expect(images.toSquareJpeg).toHaveBeenCalledWith(PNG_BYTES, 'png', { size: 1024, quality: 95 });
      expect(storage.put).toHaveBeenCalledWith(`avatars/${OUTPUT_HASH}.jpg`, expect.any(Readable), {
        size: JPEG_OUTPUT.length,
        contentType: 'image/jpeg',
      });
      expect(users.updateProfile).toHaveBeenCalledWith(7, { avatarHash: OUTPUT_HASH });
      expect(result).toEqual({
        success: true,
        message: 'Avatar uploaded successfully',
        size_bytes: JPEG_OUTPUT.length,
      });
    });

    it('should delete the replaced blob when nobody else shows it, and keep it otherwise', async () => {
      users.getUserByName.mockResolvedValue(owner({ avatarHash: 'old' }));
      await sut.uploadAvatar(alice, 'user', 'alice', { buffer: PNG_BYTES, size: PNG_BYTES.length });
      expect(avatars.countOwnersOf).toHaveBeenCalledWith('old');
      expect(storage.delete).toHaveBeenCalledWith('avatars/old.jpg');

      storage.delete.mockClear();
      avatars.countOwnersOf.mockResolvedValue(1);
      await sut.uploadAvatar(alice, 'user', 'alice', { buffer: PNG_BYTES, size: PNG_BYTES.length });
      expect(storage.delete).not.toHaveBeenCalled();
    });

    it('should not release the blob when the same image is uploaded again', async () => {
      users.getUserByName.mockResolvedValue(owner({ avatarHash: OUTPUT_HASH }));
      await sut.uploadAvatar(alice, 'user', 'alice', { buffer: PNG_BYTES, size: PNG_BYTES.length });
      expect(avatars.countOwnersOf).not.toHaveBeenCalled();
      expect(storage.delete).not.toHaveBeenCalled();
    });

    it('should still succeed, and log a warning, when deleting the replaced blob fails', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      users.getUserByName.mockResolvedValue(owner({ avatarHash: 'old' }));
      storage.delete.mockRejectedValue(new Error('disk on fire'));
      await expect(
        sut.uploadAvatar(alice, 'user', 'alice', { buffer: PNG_BYTES, size: PNG_BYTES.length }),
      ).resolves.toMatchObject({ success: true });
      expect(warn).toHaveBeenCalledWith(
        expect.objectContaining({ hash: 'old' }),
        'Could not delete an unused avatar blob',
      );
      warn.mockRestore();
    });

    it('should refuse a missing file and content that is not a supported image', async () => {
      await expect(sut.uploadAvatar(alice, 'user', 'alice', undefined)).rejects.toBeInstanceOf(AvatarFileMissingError);
      const error = await sut
        .uploadAvatar(alice, 'user', 'alice', { buffer: Buffer.from('just text'), size: 9 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedAvatarFormatError);
      expect(error).toMatchObject({ status: 415, message: expect.stringContaining('JPEG, PNG, WebP or GIF') });
      expect(images.toSquareJpeg).not.toHaveBeenCalled();
    });

    it('should let only the user themself or a site admin change a user avatar', async () => {
      const bob: AuthUser = { ...alice, id: 8, username: 'bob' };
      await expect(
        sut.uploadAvatar(bob, 'user', 'alice', { buffer: PNG_BYTES, size: PNG_BYTES.length }),
      ).rejects.toBeInstanceOf(ForbiddenError);
      await expect(
        sut.uploadAvatar(admin, 'user', 'alice', { buffer: PNG_BYTES, size: PNG_BYTES.length }),
      ).resolves.toMatchObject({ success: true });
    });

    it('should let only organization admins or site admins change an organization avatar', async () => {
      memberships.getRole.mockResolvedValue('write');
      await expect(
        sut.uploadAvatar(alice, 'organization', 'acme', { buffer: PNG_BYTES, size: PNG_BYTES.length }),
      ).rejects.toBeInstanceOf(ForbiddenError);
      expect(memberships.getRole).toHaveBeenCalledWith(50, alice.id);
      memberships.getRole.mockResolvedValue('admin');
      await sut.uploadAvatar(alice, 'organization', 'acme', { buffer: PNG_BYTES, size: PNG_BYTES.length });
      expect(users.updateProfile).toHaveBeenCalledWith(50, { avatarHash: OUTPUT_HASH });
    });

    it('should pass on 404 for an unknown owner', async () => {
      users.getOrganisationByName.mockRejectedValue(new NotFoundError('Organization not found: nope'));
      await expect(sut.uploadAvatar(admin, 'organization', 'nope', undefined)).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('deleteAvatar', () => {
    it('should clear the hash and release the blob', async () => {
      users.getUserByName.mockResolvedValue(owner({ avatarHash: 'abc' }));
      await expect(sut.deleteAvatar(alice, 'user', 'alice')).resolves.toEqual({
        success: true,
        message: 'Avatar deleted successfully',
      });
      expect(users.updateProfile).toHaveBeenCalledWith(7, { avatarHash: null });
      expect(storage.delete).toHaveBeenCalledWith('avatars/abc.jpg');
    });

    it('should answer 404 when there is no avatar', async () => {
      await expect(sut.deleteAvatar(alice, 'user', 'alice')).rejects.toBeInstanceOf(AvatarNotFoundError);
    });
  });

  describe('readAvatar', () => {
    it('should open the blob of the current avatar', async () => {
      users.getUserByName.mockResolvedValue(owner({ avatarHash: 'abc' }));
      const body = Readable.from([Buffer.from('x')]);
      storage.get.mockResolvedValue({ body, size: 1, contentLength: 1 });
      await expect(sut.readAvatar('user', 'alice', undefined)).resolves.toEqual({
        kind: 'image',
        hash: 'abc',
        size: 1,
        body,
      });
      expect(storage.get).toHaveBeenCalledWith('avatars/abc.jpg');
    });

    it('should answer not-modified without opening the blob when the ETag matches', async () => {
      users.getUserByName.mockResolvedValue(owner({ avatarHash: 'abc' }));
      await expect(sut.readAvatar('user', 'alice', '"abc"')).resolves.toEqual({ kind: 'not-modified', hash: 'abc' });
      expect(storage.get).not.toHaveBeenCalled();
    });

    it('should answer 404 without an avatar or when its blob is gone', async () => {
      await expect(sut.readAvatar('user', 'alice', undefined)).rejects.toBeInstanceOf(AvatarNotFoundError);
      users.getUserByName.mockResolvedValue(owner({ avatarHash: 'abc' }));
      storage.get.mockRejectedValue(new BlobNotFoundError('avatars/abc.jpg'));
      await expect(sut.readAvatar('user', 'alice', undefined)).rejects.toMatchObject({
        status: 404,
        message: 'User alice has no avatar',
      });
    });
  });
});

describe(matchesEtag.name, () => {
  it('should match the quoted hash, its weak form, a list containing it and *', () => {
    expect(matchesEtag('"abc"', 'abc')).toBe(true);
    expect(matchesEtag('W/"abc"', 'abc')).toBe(true);
    expect(matchesEtag('"x", "abc"', 'abc')).toBe(true);
    expect(matchesEtag('*', 'abc')).toBe(true);
  });

  it('should not match other tags, an unquoted hash or no header', () => {
    expect(matchesEtag('"abd"', 'abc')).toBe(false);
    expect(matchesEtag('abc', 'abc')).toBe(false);
    expect(matchesEtag(undefined, 'abc')).toBe(false);
    expect(matchesEtag('', 'abc')).toBe(false);
  });
});
