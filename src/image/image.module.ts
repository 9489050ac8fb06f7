import { Module } from '@nestjs/common';
import { ImageRepository } from 'src/image/image.repository';

/** Image processing (sharp); no other module imports sharp. */
@Module({
  providers: [ImageRepository],
  exports: [ImageRepository],
})
export class ImageModule {}
