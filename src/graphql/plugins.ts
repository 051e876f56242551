import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, type DocumentNode, GraphQLError, visit } from 'graphql';
import { Role } from '../access/role.js';
import type { Metrics } from '../context/metrics.js';
import type { RequestContext } from '../context/request-context.js';
import { isDatabaseOutage } from '../db/connections.js';
import { serviceUnavailable } from '../shared/errors.js';

/** What a GraphQL request adds to its log line (never variables: customer data) and its metrics. */
export function observabilityPlugin(metrics: Metrics): ApolloServerPlugin<RequestContext> {
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
          Object.assign(contextValue.logFields, {
            tenant: contextValue.tenant?.slug ?? null,
            actor: contextValue.actor?.kind ?? null,
            operation,
            outcome,
            ...(codes.length ? { errorCodes: codes } : {}),
          });
        },
      };
    },
  };
}

/** A database outage becomes SERVICE_UNAVAILABLE (503) before Apollo picks the status. */
export function outagePlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            if (error.extensions.code || !isDatabaseOutage(error.originalError ?? error)) continue;
            const outage = serviceUnavailable();
            error.message = outage.message;
            Object.assign(error.extensions, outage.extensions);
          }
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
