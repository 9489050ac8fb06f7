import sharp, { Sharp } from 'sharp';
import {
  detectImageFormat,
  ImageDimensionsTooLargeError,
  ImageRepository,
  UnreadableImageError,
} from 'src/image/image.repository';

function solid(width: number, height: number): Sharp {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } });
}

describe(detectImageFormat.name, () => {
  it('should recognise JPEG, PNG, GIF and WebP by their first bytes', async () => {
    expect(detectImageFormat(await solid(4, 4).jpeg().toBuffer())).toBe('jpeg');
    expect(detectImageFormat(await solid(4, 4).png().toBuffer())).toBe('png');
    expect(detectImageFormat(await solid(4, 4).gif().toBuffer())).toBe('gif');
    expect(detectImageFormat(await solid(4, 4).webp().toBuffer())).toBe('webp');
  });

  it('should return null for other content, however short', async () => {
    expect(detectImageFormat(Buffer.from('hello, this is text'))).toBeNull();
    expect(detectImageFormat(Buffer.alloc(0))).toBeNull();
    expect(detectImageFormat(Buffer.from('RIFF\0\0\0\0WAVE'))).toBeNull();
    expect(detectImageFormat(await solid(4, 4).tiff().toBuffer())).toBeNull();
  });
});

describe(ImageRepository.name, () => {
  const sut = new ImageRepository();

  it('should centre-crop a wide image to a square JPEG of the requested size', async () => {
    // Left and right thirds blue, centre red: after a centre crop the corners must be red.
    const input = await solid(2000, 1000)
      .composite([
        {
          input: await sharp({ create: { width: 500, height: 1000, channels: 3, background: 'blue' } })
            .png()
            .toBuffer(),
          left: 0,
          top: 0,
        },
        {
          input: await sharp({ create: { width: 500, height: 1000, channels: 3, background: 'blue' } })
            .png()
            .toBuffer(),
          left: 1500,
          top: 0,
        },
      ])
      .png()
      .toBuffer();
    const output = await sut.toSquareJpeg(input, 'png', { size: 1024, quality: 95 });
    const metadata = await sharp(output).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 1024, height: 1024 });
    const { data } = await sharp(output)
      .extract({ left: 20, top: 20, width: 1, height: 1 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(150);
    expect(data[2]).toBeLessThan(100);
  });

  it('should put transparent areas on white and drop metadata', async () => {
    const input = await sharp({
      create: { width: 10, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .withMetadata({ exif: { IFD0: { Copyright: 'secret' } } })
      .png()
      .toBuffer();
    const output = await sut.toSquareJpeg(input, 'png', { size: 16, quality: 95 });
    const { data } = await sharp(output).raw().toBuffer({ resolveWithObject: true });
    expect(Math.min(...data)).toBeGreaterThan(240);
    expect((await sharp(output).metadata()).exif).toBeUndefined();
  });

  it('should turn an image upright according to its EXIF orientation', async () => {
    // Stored as 40×20 with the left half red; orientation 6 means "rotate 90° clockwise to view",
    // so upright it is 20×40 with the red half on top.
    const blueHalf = await sharp({ create: { width: 20, height: 20, channels: 3, background: 'blue' } })
      .png()
      .toBuffer();
    const input = await solid(40, 20)
      .composite([{ input: blueHalf, left: 20, top: 0 }])
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const output = await sut.toSquareJpeg(input, 'jpeg', { size: 20, quality: 95 });
    const { data, info } = await sharp(output).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number): number[] => {
      const offset = (y * info.width + x) * info.channels;
      return [data[offset], data[offset + 1], data[offset + 2]];
    };
    expect(pixel(17, 2)[0]).toBeGreaterThan(150);
    expect(pixel(2, 17)[2]).toBeGreaterThan(150);
    expect((await sharp(output).metadata()).orientation).toBeUndefined();
  });

  it('should refuse bytes that start like an image but do not decode', async () => {
    const png = await solid(100, 100).png().toBuffer();
    await expect(sut.toSquareJpeg(png.subarray(0, 40), 'png', { size: 64, quality: 90 })).rejects.toBeInstanceOf(
      UnreadableImageError,
    );
  });

  it('should refuse a file whose content is another format than announced', async () => {
    const gif = await solid(8, 8).gif().toBuffer();
    await expect(sut.toSquareJpeg(gif, 'png', { size: 8, quality: 90 })).rejects.toBeInstanceOf(UnreadableImageError);
  });

  it('should refuse images with more pixels than can be processed safely', async () => {
    const huge = await sharp({ create: { width: 9000, height: 8000, channels: 3, background: 'black' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    await expect(sut.toSquareJpeg(huge, 'png', { size: 64, quality: 90 })).rejects.toBeInstanceOf(
      ImageDimensionsTooLargeError,
    );
  });
});
