import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../../src/runtime-flags.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('the server process V8 flags', () => {
  it('are the ones `npm start` and the Dockerfile run the server with', async () => {
    const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.start).toContain(`node ${NODE_FLAGS.join(' ')} dist/src/main.js`);
    const dockerfile = await readFile(path.join(root, 'Dockerfile'), 'utf8');
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]';
    expect(JSON.parse(cmd)).toEqual(['node', ...NODE_FLAGS, 'dist/src/main.js']);
  });
});
