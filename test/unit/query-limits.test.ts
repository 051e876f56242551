import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readyTabs } from '../../src/console/operations.js';
import { createSchema } from '../../src/graphql/schema.js';
import { QUERY_LIMITS, queryArmor } from '../../src/http/server.js';
import { PROJECT_ROOT } from '../../src/shared/paths.js';

/** The limits must fit the product's own heaviest documents, with room to spare. */
describe('query limits', () => {
  it(`refuse a document deeper than ${QUERY_LIMITS.maxDepth} (a recursive type makes one possible)`, () => {
    const schema = buildSchema('type Node { child: Node, name: String } type Query { node: Node }');
    const rules = queryArmor(true).validationRules;
    const nested = (n: number): string => (n === 0 ? 'name' : `child { ${nested(n - 1)} }`);
    expect(
      validate(schema, parse(`{ node { ${nested(QUERY_LIMITS.maxDepth - 2)} } }`), rules),
    ).toEqual([]);
    const errors = validate(
      schema,
      parse(`{ node { ${nested(QUERY_LIMITS.maxDepth + 2)} } }`),
      rules,
    );
    expect(errors.map((e) => e.message).join(' ')).toMatch(/depth/i);
  });

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
