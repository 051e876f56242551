/** Prints the configuration table for README.md (`node dist/src/cli/config-table.js`). */
import { configTableMarkdown } from '../config.js';

process.stdout.write(`${configTableMarkdown()}\n`);
