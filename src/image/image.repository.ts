import { Injectable } from '@nestjs/common';
import sharp, { Metadata } from 'sharp';
import { BadRequestError } from 'src/common/errors/hub-error';

export const IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'gif'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** Decoding more pixels than this could take gigabytes of memory, whatever the file size. */
export const MAX_INPUT_PIXELS = 64_000_000;

export class UnreadableImageError extends BadRequestError {
  constructor(format: ImageFormat) {
    super(`The file looks like a ${format.toUpperCase()} image but could not be decoded`);
  }
}

export class ImageDimensionsTooLargeError extends BadRequestError {
  constructor(width: number, height: number) {
    super(
      `The image is ${width}×${height} pixels; at most ${MAX_INPUT_PIXELS / 1_000_000} megapixels can be processed`,
    );
  }
}

function startsWith(bytes: Buffer, signature: string, offset = 0): boolean {
  const expected = Buffer.from(signature, 'latin1');
  return bytes.length >= offset + expected.length && bytes.subarray(offset, offset + expected.length).equals(expected);
}

/**
 * The format announced by the file's first bytes, or null for anything else. Uploads are judged
 * by this alone: a declared content type or file name proves nothing about the bytes.
 */
export function detectImageFormat(bytes: Buffer): ImageFormat | null {
  if (startsWith(bytes, '\xff\xd8\xff')) {
    return 'jpeg';
  }
  if (startsWith(bytes, '\x89PNG\r\n\x1a\n')) {
    return 'png';
  }
  if (startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a')) {
    return 'gif';
  }
  if (startsWith(bytes, 'RIFF') && startsWith(bytes, 'WEBP', 8)) {
    return 'webp';
  }
  return null;
}

export interface SquareJpegOptions {
  /** Width and height of the output in pixels. */
  size: number;
  /** JPEG quality, 1–100. */
  quality: number;
}

/**
 * The only place that talks to sharp (libvips). sharp runs its work on libuv's thread pool, off
 * the event loop, so resizing a large image does not stall other requests; only the input and
 * output buffers live on the JavaScript side.
 */
@Injectable()
export class ImageRepository {
  /**
   * Decodes an image of `format` (the first frame of an animation), turns it upright according to
   * its EXIF orientation, centre-crops it to a square scaled to `size`×`size`, puts transparent
   * areas on white and encodes it as a baseline JPEG without metadata (so no GPS or camera data
   * leaks from the original).
   */
  async toSquareJpeg(input: Buffer, format: ImageFormat, options: SquareJpegOptions): Promise<Buffer> {
    const metadata = await this.readMetadata(input, format);
    if (metadata.width * metadata.height > MAX_INPUT_PIXELS) {
      throw new ImageDimensionsTooLargeError(metadata.width, metadata.height);
    }
    try {
      return await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, autoOrient: true })
        .resize(options.size, options.size, { fit: 'cover', position: 'centre' })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: options.quality })
        .toBuffer();
    } catch {
      throw new UnreadableImageError(format);
    }
  }

  private async readMetadata(input: Buffer, format: ImageFormat): Promise<{ width: number; height: number }> {
    let metadata: Metadata;
    try {
      metadata = await sharp(input, { limitInputPixels: false }).metadata();
    } catch {
      throw new UnreadableImageError(format);
    }
    if (metadata.format !== format || !metadata.width || !metadata.height) {
      throw new UnreadableImageError(format);
    }
    return { width: metadata.width, height: metadata.height };
  }
}
