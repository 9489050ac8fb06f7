import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Not, Repository } from 'typeorm';
import { LfsObjectRefEntity } from 'src/commit/lfs-object-ref.entity';
import { isUniqueViolation } from 'src/database/unique-violation';
import { LfsBackend, LfsObjectEntity } from 'src/lfs/lfs-object.entity';

/** Stays well below the bind-parameter limits of both engines (SQLite: 32766, Postgres: 65535). */
const IN_CHUNK = 500;

@Injectable()
export class LfsObjectRepository {
  constructor(@InjectRepository(LfsObjectEntity) private readonly objects: Repository<LfsObjectEntity>) {}

  findVerified(oid: string): Promise<LfsObjectEntity | null> {
    return this.objects.findOneBy({ oid, verifiedAt: Not(IsNull()) });
  }

  /** The verified objects among `oids`, in no particular order. */
  async findVerifiedMany(oids: readonly string[]): Promise<LfsObjectEntity[]> {
    return this.inChunks(oids, (chunk) => this.objects.findBy({ oid: In(chunk), verifiedAt: Not(IsNull()) }));
  }

  /** The verified objects among `oids` that a commit of repository `repoId` references. */
  async findVerifiedInRepo(repoId: number, oids: readonly string[]): Promise<LfsObjectEntity[]> {
    return this.inChunks(oids, (chunk) =>
      this.objects
        .createQueryBuilder('object')
        .where('object.oid IN (:...chunk)', { chunk })
        .andWhere('object.verifiedAt IS NOT NULL')
        .andWhere((query) => {
          const referenced = query
            .subQuery()
            .select('1')
            .from(LfsObjectRefEntity, 'ref')
            .where('ref.repoId = :repoId', { repoId })
            .andWhere('ref.oid = object.oid')
            .getQuery();
          return `EXISTS ${referenced}`;
        })
        .getMany(),
    );
  }

  private async inChunks(
    oids: readonly string[],
    find: (chunk: string[]) => Promise<LfsObjectEntity[]>,
  ): Promise<LfsObjectEntity[]> {
    const unique = [...new Set(oids)];
    const found: LfsObjectEntity[] = [];
    for (let start = 0; start < unique.length; start += IN_CHUNK) {
      found.push(...(await find(unique.slice(start, start + IN_CHUNK))));
    }
    return found;
  }

  /**
   * Records `oid` as verified. Concurrent uploads of the same content race here; the loser's insert
   * hits the unique index and becomes an update, which only refreshes the same facts (a row that
   * was marked unverified, e.g. by a storage check, becomes usable again).
   */
  async registerVerified(fields: {
    oid: string;
    size: number;
    backend: LfsBackend;
    storageKey: string;
  }): Promise<void> {
    const verifiedAt = new Date();
    try {
      await this.objects.insert({ ...fields, verifiedAt });
    } catch (error) {
      if (!isUniqueViolation(error)) {
        throw error;
      }
      await this.objects.update(
        { oid: fields.oid },
        { size: fields.size, backend: fields.backend, storageKey: fields.storageKey, verifiedAt },
      );
    }
  }
}
