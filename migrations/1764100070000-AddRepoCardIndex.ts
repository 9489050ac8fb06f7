import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';
import { PortableColumns } from 'src/database/portable-columns';

/** The card index of repositories (src/repo-info): what listings filter and sort on in SQL. */
export class AddRepoCardIndex1764100070000 implements MigrationInterface {
  name = 'AddRepoCardIndex1764100070000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new PortableColumns(queryRunner);
    // What the entity's `CURRENT_TIMESTAMP` default reads back as on each engine.
    const now = queryRunner.connection.options.type === 'postgres' ? 'now()' : 'CURRENT_TIMESTAMP';
    await queryRunner.addColumns('repos', [
      new TableColumn(c.timestamp('last_modified', { default: now })),
      new TableColumn(c.varchar('card_sha', 64, { isNullable: true })),
      new TableColumn(c.text('card_data', { isNullable: true })),
      new TableColumn(c.varchar('pipeline_tag', 128, { isNullable: true })),
      new TableColumn(c.varchar('library_name', 128, { isNullable: true })),
      new TableColumn(c.bigint('used_storage', { default: 0 })),
      new TableColumn(c.integer('trending_score', { default: 0 })),
    ]);
    // Existing repositories were last changed no earlier than they were created; the first
    // indexing of each (on its next commit, or the next info request) sets the real date.
    await queryRunner.query('UPDATE repos SET last_modified = created_at');
    for (const [name, columns] of [
      ['ix_repos_type_last_modified', ['type', 'last_modified']],
      ['ix_repos_type_downloads', ['type', 'downloads']],
      ['ix_repos_type_likes', ['type', 'likes']],
      ['ix_repos_type_trending_score', ['type', 'trending_score']],
    ] as const) {
      await queryRunner.createIndex('repos', new TableIndex({ name, columnNames: [...columns] }));
    }
    await queryRunner.createTable(
      new Table({
        name: 'repo_tags',
        columns: [c.id(), c.integer('repo_id'), c.varchar('tag', 255)],
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
      'repo_tags',
      new TableIndex({ name: 'uq_repo_tags_repo_tag', columnNames: ['repo_id', 'tag'], isUnique: true }),
    );
    await queryRunner.createIndex(
      'repo_tags',
      new TableIndex({ name: 'ix_repo_tags_tag_repo', columnNames: ['tag', 'repo_id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('repo_tags');
    for (const name of [
      'ix_repos_type_trending_score',
      'ix_repos_type_likes',
      'ix_repos_type_downloads',
      'ix_repos_type_last_modified',
    ]) {
      await queryRunner.dropIndex('repos', name);
    }
    // Plain DROP COLUMN rather than TypeORM's SQLite table rebuild: the rebuild drops `repos`, and a
    // revert runs inside a transaction where foreign keys stay on, so that drop would cascade.
    for (const column of [
      'trending_score',
      'used_storage',
      'library_name',
      'pipeline_tag',
      'card_data',
      'card_sha',
      'last_modified',
    ]) {
      await queryRunner.query(`ALTER TABLE "repos" DROP COLUMN "${column}"`);
    }
  }
}
