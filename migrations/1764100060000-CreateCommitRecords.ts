import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { PortableColumns } from 'src/database/portable-columns';

export class CreateCommitRecords1764100060000 implements MigrationInterface {
  name = 'CreateCommitRecords1764100060000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new PortableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'commits',
        columns: [
          c.id(),
          c.integer('repo_id'),
          c.varchar('commit_sha', 64),
          c.varchar('ref', 255),
          c.integer('author_id', { isNullable: true }),
          c.varchar('username', 64),
          c.text('summary'),
          c.text('description'),
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
            columnNames: ['author_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    );
    await queryRunner.createIndex(
      'commits',
      new TableIndex({ name: 'ix_commits_repo_sha', columnNames: ['repo_id', 'commit_sha'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'lfs_object_refs',
        columns: [
          c.id(),
          c.integer('repo_id'),
          c.text('path'),
          c.varchar('oid', 64),
          c.bigint('size'),
          c.varchar('commit_sha', 64),
          c.createdAt(),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['repo_id'],
            referencedTableName: 'repos',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await queryRunner.createIndex(
      'lfs_object_refs',
      new TableIndex({ name: 'ix_lfs_object_refs_repo', columnNames: ['repo_id'] }),
    );
    await queryRunner.createIndex(
      'lfs_object_refs',
      new TableIndex({ name: 'ix_lfs_object_refs_oid', columnNames: ['oid'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('lfs_object_refs');
    await queryRunner.dropTable('commits');
  }
}
