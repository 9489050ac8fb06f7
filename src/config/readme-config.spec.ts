import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The README's configuration table must name every variable the config module reads. */
describe('README configuration table', () => {
  it('should list every KOHAKU_HUB_* variable read in src/config', () => {
    const configDir = join(ROOT, 'src', 'config');
    const sources = readdirSync(configDir)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
      .map((file) => readFileSync(join(configDir, file), 'utf8'))
      .join('\n');
    const variables = new Set(sources.match(/KOHAKU_HUB_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_])/g) ?? []);
    expect(variables.size).toBeGreaterThan(20);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const missing = [...variables].filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
