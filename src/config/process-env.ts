import { Env } from 'src/config/config-readers';

/** The single place the hub reads the process environment. */
export function readProcessEnv(): Env {
  return process.env;
}
