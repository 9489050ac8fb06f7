import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { PortableColumns } from 'src/database/portable-columns';

export class CreateLfsLocks1764100080000 implements MigrationInterface {
  name = 'CreateLfsLocks1764100080000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new PortableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'lfs_locks',
        columns: [
          c.id(),
          c.integer('repo_id'),
          c.text('path'),
          c.varchar('ref_name', 255, { isNullable: true }),
          c.integer('owner_id'),
          c.createdAt(),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['repo_id'],
            referencedTableName: 'repos',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          new TableForeignKey({
            columnNames: ['owner_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await queryRunner.createIndex(
      'lfs_locks',
      new TableIndex({ name: 'uq_lfs_locks_repo_path', columnNames: ['repo_id', 'path'], isUnique: true }),
    );
    await queryRunner.createIndex(
      'lfs_locks',
      new TableIndex({ name: 'ix_lfs_locks_owner', columnNames: ['owner_id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('lfs_locks');
  }
}
