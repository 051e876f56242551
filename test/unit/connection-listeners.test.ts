import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/shared/paths.js';

/**
 * The convention of docs/ARCHITECTURE.md: every pg pool and client has an `error` listener
 * (node-postgres reports a dropped connection as an `error` event, which ends the process when
 * nobody listens). Each `new pg.Pool(` or `new pg.Client(` in the code is followed, within a
 * few lines, by a listener: `watchPool`/`watchClient` (src/db/connections.ts) or `.on('error'`.
 */
async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(PROJECT_ROOT, dir), { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(file)));
    else if (/\.(ts|mjs)$/.test(entry.name)) out.push(file);
  }
  return out;
}

describe('connection error listeners', () => {
  it('are attached to every pg pool and client the project creates', async () => {
    const files = (await Promise.all(['src', 'bench', 'test', 'scripts'].map(sources))).flat();
    let found = 0;
    for (const file of files) {
      const lines = (await readFile(path.join(PROJECT_ROOT, file), 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (!/new pg\.(default\.)?(Pool|Client)\(/.test(line) || line.includes('/new pg')) return;
        found++;
        const around = lines.slice(Math.max(0, i - 2), i + 16).join('\n');
        expect(around, `${file}:${i + 1}`).toMatch(/watchPool\(|watchClient\(|\.on\('error'/);
      });
    }
    expect(found).toBeGreaterThan(10);
  });
});
