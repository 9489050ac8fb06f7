import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { PortableColumns } from 'src/database/portable-columns';

export class CreateRepos1764100040000 implements MigrationInterface {
  name = 'CreateRepos1764100040000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new PortableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'repos',
        columns: [
          c.id(),
          c.varchar('storage_id', 40),
          c.varchar('type', 16),
          c.integer('owner_id'),
          c.varchar('name', 96),
          c.varchar('normalized_name', 96),
          c.integer('creator_id', { isNullable: true }),
          c.boolean('is_private', false),
          c.varchar('gated', 16, { isNullable: true }),
          c.boolean('is_disabled', false),
          c.varchar('sdk', 32, { isNullable: true }),
          c.varchar('default_branch', 255, { default: "'main'" }),
          c.bigint('lfs_threshold_bytes', { isNullable: true }),
          c.text('lfs_suffix_rules', { isNullable: true }),
          c.integer('downloads', { default: 0 }),
          c.integer('likes', { default: 0 }),
          c.createdAt('created_at'),
          c.createdAt('updated_at'),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['owner_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          new TableForeignKey({
            columnNames: ['creator_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    );
    await queryRunner.createIndex(
      'repos',
      new TableIndex({ name: 'uq_repos_storage_id', columnNames: ['storage_id'], isUnique: true }),
    );
    await queryRunner.createIndex(
      'repos',
      new TableIndex({
        name: 'uq_repos_type_owner_name',
        columnNames: ['type', 'owner_id', 'normalized_name'],
        isUnique: true,
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'repo_redirects',
        columns: [
          c.id(),
          c.varchar('type', 16),
          c.varchar('from_namespace', 64),
          c.varchar('from_name', 96),
          c.integer('repo_id'),
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
      'repo_redirects',
      new TableIndex({
        name: 'uq_repo_redirects_from',
        columnNames: ['type', 'from_namespace', 'from_name'],
        isUnique: true,
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('repo_redirects');
    await queryRunner.dropTable('repos');
  }
}
