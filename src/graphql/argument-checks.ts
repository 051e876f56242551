import type { ApolloServerPlugin } from '@apollo/server';
import {
  type ASTNode,
  type DocumentNode,
  GraphQLError,
  Kind,
  type ValueNode,
  valueFromASTUntyped,
  visit,
} from 'graphql';
import type { RequestContext } from '../context/request-context.js';
import { textProblem } from '../shared/text.js';

/** An argument of a document, the field it belongs to, and every value node under it by path. */
interface ArgumentSite {
  field: string;
  name: string;
  value: ValueNode;
  nodes: Map<ASTNode, string[]>;
}

/** Apollo reuses a parsed document: its arguments are found once. */
const sitesOf = new WeakMap<DocumentNode, ArgumentSite[]>();

function argumentSites(document: DocumentNode): ArgumentSite[] {
  const sites = sitesOf.get(document);
  if (sites) return sites;
  const found: ArgumentSite[] = [];
  visit(document, {
    Argument(node, _key, _parent, _path, ancestors) {
      const owner = ancestors.findLast(
        (a) => !Array.isArray(a) && (a as ASTNode).kind === Kind.FIELD,
      ) as { name: { value: string } } | undefined;
      const nodes = new Map<ASTNode, string[]>();
      const walk = (value: ValueNode, path: string[]) => {
        nodes.set(value, path);
        if (value.kind === Kind.LIST) {
          value.values.forEach((v, i) => {
            walk(v, [...path, String(i)]);
          });
        }
        if (value.kind === Kind.OBJECT) {
          for (const f of value.fields) {
            nodes.set(f, [...path, f.name.value]);
            walk(f.value, [...path, f.name.value]);
          }
        }
      };
      walk(node.value, [node.name.value]);
      found.push({
        field: owner?.name.value ?? 'a directive',
        name: node.name.value,
        value: node.value,
        nodes,
      });
      return false;
    },
  });
  sitesOf.set(document, found);
  return found;
}

const where = (field: string, path: readonly string[]) =>
  `Argument "${path.join('.')}" of "${field}"`;

/** The first string under `value` (values, lists, objects' keys) that breaks the text rule. */
function badText(value: unknown, path: string[]): { path: string[]; problem: string } | null {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { path, problem } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const at = [...path, key];
    const problem = textProblem(key);
    const found = problem ? { path: at, problem } : badText(item, at);
    if (found) return found;
  }
  return null;
}

/** Refuses string arguments PostgreSQL cannot store, and names the argument in value refusals. */
export function argumentChecksPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async validationDidStart({ document }) {
          return async (errors) => {
            for (const error of errors ?? []) {
              if (!(error instanceof GraphQLError) || error.extensions.field) continue;
              const node = error.nodes?.[0];
              const site = node && argumentSites(document).find((s) => s.nodes.has(node));
              const path = node && site?.nodes.get(node);
              if (!site || !path) continue;
              error.message = `${where(site.field, path)}: ${error.message}`;
              (error.extensions as Record<string, unknown>).field = path;
            }
          };
        },

        async didResolveOperation({ document, request }) {
          for (const site of argumentSites(document)) {
            const value = valueFromASTUntyped(site.value, request.variables ?? {});
            const found = badText(value, [site.name]);
            if (!found) continue;
            // The deepest node written in the document on the way to the value.
            const isPrefix = (p: string[]) => p.every((key, i) => found.path[i] === key);
            const node = [...site.nodes].filter(([, p]) => isPrefix(p)).at(-1)?.[0];
            throw new GraphQLError(`${where(site.field, found.path)} ${found.problem}`, {
              nodes: node ?? site.value,
              extensions: { code: 'BAD_USER_INPUT', field: found.path, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
