import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface PackageJson {
  name: string;
  version: string;
  description: string;
}

/** Finds the hub's package.json above this file, both in the source tree and in `dist/`. */
function readOwnPackageJson(): PackageJson {
  let directory = __dirname;
  for (;;) {
    const candidate = join(directory, 'package.json');
    if (existsSync(candidate)) {
      return JSON.parse(readFileSync(candidate, 'utf8')) as PackageJson;
    }
    const parent = dirname(directory);
    if (parent === directory) {
      throw new Error('package.json of the hub was not found');
    }
    directory = parent;
  }
}

const pkg = readOwnPackageJson();

export const APP_INFO = {
  name: 'Kohaku Hub',
  version: pkg.version,
  description: pkg.description,
} as const;
