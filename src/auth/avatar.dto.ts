import { ApiProperty } from '@nestjs/swagger';

/** The multipart body of an avatar upload; documents the form for Swagger UI. */
export class UploadAvatarDto {
  /** A JPEG, PNG, WebP or GIF image of at most 10 MB; its type is read from its content. */
  @ApiProperty({ type: 'string', format: 'binary' })
  file!: unknown;
}

export class AvatarUploadResponseDto {
  success!: boolean;
  message!: string;
  /** Size of the stored JPEG. */
  size_bytes!: number;
}

export class AvatarDeleteResponseDto {
  success!: boolean;
  message!: string;
}

/** The part of multer's file object the avatar service reads. */
export interface UploadedImageFile {
  buffer: Buffer;
  size: number;
}
