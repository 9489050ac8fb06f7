import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { PortableColumns } from 'src/database/portable-columns';

export class CreateOrgMemberships1764100000001 implements MigrationInterface {
  name = 'CreateOrgMemberships1764100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new PortableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'org_memberships',
        columns: [c.id(), c.integer('org_id'), c.integer('user_id'), c.varchar('role', 16), c.createdAt()],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['org_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
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
      'org_memberships',
      new TableIndex({ name: 'uq_org_memberships_org_user', columnNames: ['org_id', 'user_id'], isUnique: true }),
    );
    await queryRunner.createIndex(
      'org_memberships',
      new TableIndex({ name: 'ix_org_memberships_user', columnNames: ['user_id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('org_memberships');
  }
}
