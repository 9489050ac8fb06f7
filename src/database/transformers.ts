import { ValueTransformer } from 'typeorm';

/**
 * Postgres returns `bigint` columns as strings (they can exceed 2^53); byte counts in this hub stay
 * far below that, so they are read back as numbers.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
