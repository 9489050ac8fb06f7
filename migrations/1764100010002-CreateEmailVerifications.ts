import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { PortableColumns } from 'src/database/portable-columns';

export class CreateEmailVerifications1764100010002 implements MigrationInterface {
  name = 'CreateEmailVerifications1764100010002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new PortableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'email_verifications',
        columns: [
          c.id(),
          c.integer('user_id'),
          c.varchar('email', 320),
          c.varchar('token_hash', 64),
          c.timestamp('expires_at'),
          c.createdAt(),
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
      'email_verifications',
      new TableIndex({ name: 'ix_email_verifications_user', columnNames: ['user_id'] }),
    );
    await queryRunner.createIndex(
      'email_verifications',
      new TableIndex({ name: 'uq_email_verifications_token_hash', columnNames: ['token_hash'], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('email_verifications');
  }
}
