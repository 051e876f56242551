import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyBaseLogger } from 'fastify';
import { BREAK, type DocumentNode, GraphQLError, visit } from 'graphql';
import { Role } from '../access/role.js';
import type { RequestContext } from '../http/context.js';
import type { Metrics } from '../http/metrics.js';

/**
 * One log line per GraphQL operation (request id, tenant, operation, duration, outcome, the
 * error codes; never variables, which carry customer data) and its duration in the metrics.
 */
export function observabilityPlugin(
  log: FastifyBaseLogger,
  metrics: Metrics,
): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ contextValue, operationName, response, errors }) {
          const seconds = (performance.now() - started) / 1000;
          const result = response.body.kind === 'single' ? response.body.singleResult : null;
          const codes = [
            ...new Set(
              (errors ?? result?.errors ?? []).map((e) => String(e.extensions?.code ?? 'ERROR')),
            ),
          ];
          const outcome = codes.length ? 'error' : 'ok';
          const operation = operationName ?? 'anonymous';
          metrics.operationDuration.observe({ operation, outcome }, seconds);
          log.info(
            {
              reqId: contextValue?.requestId,
              tenant: contextValue?.tenant?.slug ?? null,
              actor: contextValue?.actor?.kind ?? null,
              operation,
              durationMs: Math.round(seconds * 10_000) / 10,
              outcome,
              ...(codes.length ? { errorCodes: codes } : {}),
            },
            'graphql operation',
          );
        },
      };
    },
  };
}

/** Apollo reuses the parsed document of a repeated query: each is visited once. */
const introspecting = new WeakMap<DocumentNode, boolean>();

function introspects(document: DocumentNode): boolean {
  let known = introspecting.get(document);
  if (known === undefined) {
    known = visitsIntrospection(document);
    introspecting.set(document, known);
  }
  return known;
}

function visitsIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
    },
  });
  return found;
}

/** In production, the schema is described only to signed-in admins. */
export function introspectionGatePlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          if (introspects(document) && contextValue.actor?.role !== Role.ADMIN) {
            throw new GraphQLError('Introspection is for signed-in admins', {
              extensions: { code: 'FORBIDDEN', http: { status: 403 } },
            });
          }
        },
      };
    },
  };
}
