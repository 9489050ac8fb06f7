import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { PortableColumns } from 'src/database/portable-columns';

export class CreateRateLimits1764100010003 implements MigrationInterface {
  name = 'CreateRateLimits1764100010003';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new PortableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'rate_limits',
        columns: [c.varchar('key', 200, { isPrimary: true }), c.bigint('window_start'), c.integer('hits')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('rate_limits');
  }
}
