import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readyTabs } from '../../src/console/operations.js';
import { createSchema } from '../../src/graphql/schema.js';
import { queryArmor } from '../../src/http/server.js';
import { PROJECT_ROOT } from '../../src/shared/paths.js';

/** The limits must fit the product's own heaviest documents, with room to spare. */
describe('query limits', () => {
  it("let every ready-made console operation and the docs' examples through", async () => {
    const schema = await createSchema();
    const rules = queryArmor(true).validationRules;
    const documents = readyTabs().map((t) => t.query);
    const example = await readFile(
      path.join(PROJECT_ROOT, 'docs/examples/frontend-book.ts'),
      'utf8',
    );
    documents.push(
      ...[...example.matchAll(/`(\s*(?:query|mutation|\{)[\s\S]*?)`/g)].map((m) => m[1] ?? ''),
    );
    expect(documents.length).toBeGreaterThan(8);
    for (const doc of documents) {
      expect(
        validate(schema, parse(doc), rules).map((e) => e.message),
        doc,
      ).toEqual([]);
    }
  });
});
