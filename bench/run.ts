/**
 * `npm run bench`: runs the benchmark, prints its table, writes bench/results/latest.json,
 * and exits non-zero naming each budget that was missed.
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../src/shared/paths.js';
import { FULL, runBench, table } from './bench.js';

const result = await runBench({
  ...FULL,
  out: path.join(PROJECT_ROOT, 'bench', 'results', 'latest.json'),
});
process.stdout.write(`\n${table(result)}\n\n`);
process.stdout.write(
  `machine: ${result.machine.cpus} x ${result.machine.cpuModel}, ${result.machine.memoryGb} GB, Node ${result.machine.node}, PostgreSQL ${result.machine.postgres}; ${result.durationSeconds} s\n`,
);
if (result.budgetsMissed.length) {
  process.stderr.write(
    `\nbudgets missed:\n${result.budgetsMissed.map((b) => `  - ${b}`).join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write('every budget met\n');
