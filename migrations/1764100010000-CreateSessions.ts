import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { PortableColumns } from 'src/database/portable-columns';

export class CreateSessions1764100010000 implements MigrationInterface {
  name = 'CreateSessions1764100010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new PortableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          c.id(),
          c.integer('user_id'),
          c.createdAt(),
          c.timestamp('expires_at'),
          c.timestamp('revoked_at', { isNullable: true }),
          c.timestamp('last_seen_at', { isNullable: true }),
          c.varchar('user_agent', 256, { isNullable: true }),
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
    await queryRunner.createIndex('sessions', new TableIndex({ name: 'ix_sessions_user', columnNames: ['user_id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('sessions');
  }
}
