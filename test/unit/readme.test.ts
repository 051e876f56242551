import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configTableMarkdown } from '../../src/config.js';
import { PROJECT_ROOT } from '../../src/shared/paths.js';

describe('README.md', () => {
  it('lists exactly the configuration the config module reads', async () => {
    const readme = await readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const table = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(
      readme,
    )?.[1];
    expect(table).toBe(configTableMarkdown());
  });

  it('has the same configuration table in docs/DEPLOYMENT.md', async () => {
    const doc = await readFile(path.join(PROJECT_ROOT, 'docs', 'DEPLOYMENT.md'), 'utf8');
    const table = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(
      doc,
    )?.[1];
    expect(table).toBe(configTableMarkdown());
  });

  it('names the scripts that exist', async () => {
    const readme = await readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const pkg = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    for (const [, name] of readme.matchAll(/`npm run ([\w:]+)/g)) {
      expect(pkg.scripts[name ?? ''], `npm run ${name}`).toBeDefined();
    }
    for (const script of [
      'start',
      'test',
      'dev',
      'build',
      'typecheck',
      'lint',
      'schema:emit',
      'migration:create',
      'migration:up',
    ]) {
      expect(pkg.scripts[script], script).toBeDefined();
    }
  });
});
