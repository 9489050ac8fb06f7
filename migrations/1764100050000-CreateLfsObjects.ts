import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { PortableColumns } from 'src/database/portable-columns';

export class CreateLfsObjects1764100050000 implements MigrationInterface {
  name = 'CreateLfsObjects1764100050000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new PortableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'lfs_objects',
        columns: [
          c.id(),
          c.varchar('oid', 64),
          c.bigint('size'),
          c.varchar('backend', 16),
          c.varchar('storage_key', 255, { isNullable: true }),
          c.timestamp('verified_at', { isNullable: true }),
          c.createdAt(),
        ],
      }),
    );
    await queryRunner.createIndex(
      'lfs_objects',
      new TableIndex({ name: 'uq_lfs_objects_oid', columnNames: ['oid'], isUnique: true }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'lfs_upload_sessions',
        columns: [
          c.varchar('id', 36, { isPrimary: true }),
          c.varchar('oid', 64),
          c.bigint('size'),
          c.varchar('transfer', 16),
          c.varchar('state', 16),
          c.varchar('staging_key', 255),
          c.varchar('multipart_upload_id', 1024, { isNullable: true }),
          c.bigint('chunk_size', { isNullable: true }),
          c.integer('part_count', { isNullable: true }),
          c.integer('repo_id', { isNullable: true }),
          c.integer('user_id', { isNullable: true }),
          c.timestamp('expires_at'),
          c.createdAt(),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['repo_id'],
            referencedTableName: 'repos',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
          new TableForeignKey({
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    );
    await queryRunner.createIndex(
      'lfs_upload_sessions',
      new TableIndex({ name: 'ix_lfs_upload_sessions_oid', columnNames: ['oid'] }),
    );
    await queryRunner.createIndex(
      'lfs_upload_sessions',
      new TableIndex({ name: 'ix_lfs_upload_sessions_expires_at', columnNames: ['expires_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('lfs_upload_sessions');
    await queryRunner.dropTable('lfs_objects');
  }
}
