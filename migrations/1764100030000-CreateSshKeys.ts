import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { PortableColumns } from 'src/database/portable-columns';

export class CreateSshKeys1764100030000 implements MigrationInterface {
  name = 'CreateSshKeys1764100030000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new PortableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'ssh_keys',
        columns: [
          c.id(),
          c.integer('user_id'),
          c.varchar('key_type', 32),
          c.text('public_key'),
          c.varchar('fingerprint', 64),
          c.varchar('title', 100),
          c.timestamp('last_used', { isNullable: true }),
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
      'ssh_keys',
      new TableIndex({ name: 'uq_ssh_keys_fingerprint', columnNames: ['fingerprint'], isUnique: true }),
    );
    await queryRunner.createIndex('ssh_keys', new TableIndex({ name: 'ix_ssh_keys_user', columnNames: ['user_id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('ssh_keys');
  }
}
