import { Module, OnModuleInit } from '@nestjs/common';
import { HubConfig } from 'src/config/hub-config';
import { BlobStorage } from 'src/storage/blob-storage';
import { FsBlobStorage } from 'src/storage/fs-blob-storage';
import { createS3Client, S3BlobStorage } from 'src/storage/s3-blob-storage';
import { UrlSigner } from 'src/storage/url-signer';

function createBlobStorage(config: HubConfig): BlobStorage {
  const { storage } = config;
  switch (storage.driver) {
    case 'fs':
      return new FsBlobStorage(storage.fsRoot);
    case 's3': {
      const client = createS3Client(storage.s3);
      const presignClient =
        storage.s3.publicEndpoint === undefined ? client : createS3Client(storage.s3, storage.s3.publicEndpoint);
      return new S3BlobStorage(client, presignClient, storage.s3.bucket);
    }
  }
}

/** Binds the `BlobStorage` port to the configured adapter and prepares the store at boot. */
@Module({
  providers: [{ provide: BlobStorage, inject: [HubConfig], useFactory: createBlobStorage }, UrlSigner],
  exports: [BlobStorage, UrlSigner],
})
export class StorageModule implements OnModuleInit {
  constructor(private readonly storage: BlobStorage) {}

  async onModuleInit(): Promise<void> {
    await this.storage.ensureReady();
  }
}
