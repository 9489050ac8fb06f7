import { Test } from '@nestjs/testing';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigModule } from 'src/config/config.module';
import { BlobStorage } from 'src/storage/blob-storage';
import { FsBlobStorage } from 'src/storage/fs-blob-storage';
import { S3BlobStorage } from 'src/storage/s3-blob-storage';
import { StorageModule } from 'src/storage/storage.module';
import { UrlSigner } from 'src/storage/url-signer';

describe(StorageModule.name, () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kh-storage-module-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should bind the fs adapter by default and prepare its root at init', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot({ KOHAKU_HUB_DATA_DIR: dataDir }), StorageModule],
    }).compile();

    await moduleRef.init();

    expect(moduleRef.get(BlobStorage)).toBeInstanceOf(FsBlobStorage);
    expect(moduleRef.get(UrlSigner)).toBeInstanceOf(UrlSigner);
    expect((await stat(join(dataDir, 'blobs'))).isDirectory()).toBe(true);
    await moduleRef.close();
  });

  it('should bind the S3 adapter, presigning on the public endpoint', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          KOHAKU_HUB_DATA_DIR: dataDir,
          KOHAKU_HUB_STORAGE: 's3',
          KOHAKU_HUB_S3_ENDPOINT: 'http://minio:9000',
          KOHAKU_HUB_S3_PUBLIC_ENDPOINT: 'https://files.hub.example',
          KOHAKU_HUB_S3_ACCESS_KEY: 'access',
          KOHAKU_HUB_S3_SECRET_KEY: 'secret',
          KOHAKU_HUB_S3_BUCKET: 'blobs',
        }),
        StorageModule,
      ],
    }).compile();

    const storage = moduleRef.get(BlobStorage);
    const url = await storage.presignGet('lfs/ab/cd/oid', { expiresInSeconds: 60 });

    expect(storage).toBeInstanceOf(S3BlobStorage);
    expect(url).toMatch(/^https:\/\/files\.hub\.example\/blobs\/lfs\/ab\/cd\/oid\?/);
    await moduleRef.close();
  });
});
