/**
 * `npm run bench:scaling`: the scaling measurements (bench/scaling.ts); prints their table
 * and writes bench/results/scaling.json.
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../src/shared/paths.js';
import { FULL_SCALING, runScaling, scalingTable } from './scaling.js';

const result = await runScaling({
  ...FULL_SCALING,
  out: path.join(PROJECT_ROOT, 'bench', 'results', 'scaling.json'),
});
process.stdout.write(`\n${scalingTable(result)}\n\n${result.durationSeconds} s\n`);
