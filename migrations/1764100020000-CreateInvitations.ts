import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { PortableColumns } from 'src/database/portable-columns';

export class CreateInvitations1764100020000 implements MigrationInterface {
  name = 'CreateInvitations1764100020000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new PortableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'invitations',
        columns: [
          c.id(),
          c.varchar('token_hash', 64),
          c.varchar('token_prefix', 12),
          c.varchar('action', 32),
          c.integer('org_id', { isNullable: true }),
          c.varchar('role', 16, { isNullable: true }),
          c.varchar('email', 320, { isNullable: true }),
          c.integer('max_uses', { isNullable: true }),
          c.integer('used_count', { default: 0 }),
          c.integer('created_by_id', { isNullable: true }),
          c.timestamp('expires_at'),
          c.timestamp('cancelled_at', { isNullable: true }),
          c.timestamp('last_used_at', { isNullable: true }),
          c.createdAt(),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['org_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          new TableForeignKey({
            columnNames: ['created_by_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    );
    await queryRunner.createIndex(
      'invitations',
      new TableIndex({ name: 'uq_invitations_token_hash', columnNames: ['token_hash'], isUnique: true }),
    );
    await queryRunner.createIndex(
      'invitations',
      new TableIndex({ name: 'ix_invitations_org', columnNames: ['org_id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('invitations');
  }
}
