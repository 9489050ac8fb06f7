import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { PortableColumns } from 'src/database/portable-columns';

export class CreateUsers1764100000000 implements MigrationInterface {
  name = 'CreateUsers1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new PortableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          c.id(),
          c.varchar('username', 64),
          c.varchar('normalized_name', 64),
          c.boolean('is_org', false),
          c.varchar('email', 320, { isNullable: true }),
          c.varchar('password_hash', 100, { isNullable: true }),
          c.boolean('email_verified', false),
          c.boolean('is_active', true),
          c.boolean('is_admin', false),
          c.varchar('full_name', 200, { isNullable: true }),
          c.text('bio', { isNullable: true }),
          c.varchar('website', 500, { isNullable: true }),
          c.varchar('avatar_hash', 64, { isNullable: true }),
          c.timestamp('password_changed_at', { isNullable: true }),
          c.createdAt('created_at'),
          c.createdAt('updated_at'),
        ],
      }),
    );
    await queryRunner.createIndex(
      'users',
      new TableIndex({ name: 'uq_users_normalized_name', columnNames: ['normalized_name'], isUnique: true }),
    );
    await queryRunner.createIndex(
      'users',
      new TableIndex({ name: 'uq_users_email', columnNames: ['email'], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('users');
  }
}
