import { lexicographicSortSchema, printSchema } from 'graphql';
import { createSchema } from './schema.js';

/** The text of schema.graphql: the schema built from the resolvers, sorted, with a header. */
export async function printSchemaFile(): Promise<string> {
  const schema = lexicographicSortSchema(await createSchema());
  return `# Emitted from the resolvers by \`npm run schema:emit\`. Do not edit by hand.\n\n${printSchema(schema)}\n`;
}
