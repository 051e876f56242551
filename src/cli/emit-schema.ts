/** Writes schema.graphql from the resolvers (`npm run schema:emit`). */
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { printSchemaFile } from '../graphql/print-schema.js';
import { PROJECT_ROOT } from '../shared/paths.js';

const target = path.join(PROJECT_ROOT, 'schema.graphql');
await writeFile(target, await printSchemaFile());
process.stdout.write(`wrote ${target}\n`);
