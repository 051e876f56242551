import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/shared/paths.js';

/** docs/ARCHITECTURE.md: imports point one way, so no module depends on itself through others. */
describe('imports', () => {
  it('form no cycle in src/, type-only imports included', async () => {
    const tree = await parseDependencyTree('src/**/*.{ts,tsx}', {
      cwd: PROJECT_ROOT,
      context: PROJECT_ROOT,
      tsconfig: `${PROJECT_ROOT}/tsconfig.json`,
      transform: false,
    });
    expect(Object.keys(tree).length).toBeGreaterThan(80);
    expect(parseCircular(tree)).toEqual([]);
  });
});
