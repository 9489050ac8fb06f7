import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { PortableColumns } from 'src/database/portable-columns';

export class CreateAccessTokens1764100010001 implements MigrationInterface {
  name = 'CreateAccessTokens1764100010001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new PortableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'access_tokens',
        columns: [
          c.id(),
          c.integer('user_id'),
          c.varchar('name', 100),
          c.varchar('role', 8),
          c.varchar('token_hash', 64),
          c.varchar('display_prefix', 16),
          c.createdAt(),
          c.timestamp('last_used_at', { isNullable: true }),
          c.timestamp('expires_at', { isNullable: true }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await queryRunner.createIndex(
      'access_tokens',
      new TableIndex({ name: 'ix_access_tokens_user', columnNames: ['user_id'] }),
    );
    await queryRunner.createIndex(
      'access_tokens',
      new TableIndex({ name: 'uq_access_tokens_token_hash', columnNames: ['token_hash'], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('access_tokens');
  }
}
