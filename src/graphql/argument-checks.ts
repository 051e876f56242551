import type { ApolloServerPlugin } from '@apollo/server';
import {
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  GraphQLError,
  Kind,
  type ValueNode,
  visit,
} from 'graphql';
import type { RequestContext } from '../context/request-context.js';
import { textProblem } from '../shared/text.js';

/**
 * Where a value sits in an operation: the root or nested field whose argument holds it, and
 * the path from the argument's name down (`["input", "customer", "name"]`).
 */
interface Place {
  field: string;
  path: string[];
}

/** An argument of the document, with the field it belongs to. */
interface ArgumentSite {
  field: string;
  name: string;
  value: ValueNode;
}

/** The arguments of every field and directive in a document (Apollo reuses parsed documents). */
const sitesOf = new WeakMap<DocumentNode, ArgumentSite[]>();

function argumentSites(document: DocumentNode): ArgumentSite[] {
  let sites = sitesOf.get(document);
  if (sites) return sites;
  const found: ArgumentSite[] = [];
  visit(document, {
    Argument(node, _key, _parent, _path, ancestors) {
      const owner = [...ancestors]
        .reverse()
        .find((a): a is FieldNode => !Array.isArray(a) && (a as ASTNode).kind === Kind.FIELD) as
        | FieldNode
        | undefined;
      found.push({
        field: owner?.name.value ?? 'a directive',
        name: node.name.value,
        value: node.value,
      });
      return false;
    },
  });
  sites = found;
  sitesOf.set(document, sites);
  return sites;
}

function describePlace(place: Place): string {
  return `Argument "${place.path.join('.')}" of "${place.field}"`;
}

/** The first string under `value` (a variable's value, as sent) that breaks the text rule. */
function badText(value: unknown, path: string[]): { path: string[]; problem: string } | null {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { path, problem } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = badText(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem) return { path: [...path, key], problem: keyProblem };
      const found = badText(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/** The same for a value written in the document, variables taken from `variables`. */
function badTextInNode(
  node: ValueNode,
  path: string[],
  variables: Record<string, unknown>,
): { path: string[]; problem: string; node: ValueNode } | null {
  switch (node.kind) {
    case Kind.STRING: {
      const problem = textProblem(node.value);
      return problem ? { path, problem, node } : null;
    }
    case Kind.VARIABLE: {
      const found = badText(variables[node.name.value], path);
      return found ? { ...found, node } : null;
    }
    case Kind.LIST:
      for (let i = 0; i < node.values.length; i++) {
        const found = badTextInNode(node.values[i] as ValueNode, [...path, String(i)], variables);
        if (found) return found;
      }
      return null;
    case Kind.OBJECT:
      for (const field of node.fields) {
        const found = badTextInNode(field.value, [...path, field.name.value], variables);
        if (found) return found;
      }
      return null;
    default:
      return null;
  }
}

/** The argument (and the path inside it) that holds `target`, a value node of `document`. */
function placeOf(document: DocumentNode, target: ASTNode): Place | null {
  const search = (node: ValueNode, path: string[]): string[] | null => {
    if (node === target) return path;
    if (node.kind === Kind.LIST) {
      for (let i = 0; i < node.values.length; i++) {
        const found = search(node.values[i] as ValueNode, [...path, String(i)]);
        if (found) return found;
      }
    } else if (node.kind === Kind.OBJECT) {
      for (const field of node.fields) {
        if (field === target) return [...path, field.name.value];
        const found = search(field.value, [...path, field.name.value]);
        if (found) return found;
      }
    }
    return null;
  };
  for (const site of argumentSites(document)) {
    const path = search(site.value, [site.name]);
    if (path) return { field: site.field, path };
  }
  return null;
}

/**
 * Checks on argument values that hold for every field of the schema, declared once here
 * rather than in each input type:
 * - Text: every string argument, written in the document or sent as a variable, however
 *   deep in an input object, must be text PostgreSQL can store (`textProblem`). One that is
 *   not refuses the whole operation before any resolver runs (so nothing is written) with
 *   BAD_USER_INPUT naming the argument, its path and the rule (`extensions.field`).
 * - Where: a value written in the document that validation refuses (a scalar's own check,
 *   `from: "2026-02-30"`) is reported by graphql-js with its location only; the message is
 *   prefixed with the argument and field it belongs to, and `extensions.field` names it, so
 *   that `from` and `to` can be told apart.
 */
export function argumentChecksPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async validationDidStart({ document }) {
          return async (errors) => {
            for (const error of errors ?? []) {
              if (!(error instanceof GraphQLError)) continue;
              const node = error.nodes?.[0];
              if (!node || error.extensions.field) continue;
              const place = placeOf(document, node);
              if (!place) continue;
              error.message = `${describePlace(place)}: ${error.message}`;
              (error.extensions as Record<string, unknown>).field = place.path;
            }
          };
        },

        async didResolveOperation({ document, request }) {
          const variables = request.variables ?? {};
          for (const site of argumentSites(document)) {
            const found = badTextInNode(site.value, [site.name], variables);
            if (!found) continue;
            const place = { field: site.field, path: found.path };
            throw new GraphQLError(`${describePlace(place)} ${found.problem}`, {
              nodes: found.node,
              extensions: { code: 'BAD_USER_INPUT', field: found.path, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
