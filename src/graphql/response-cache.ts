import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { AnswerCache } from '../cache/answers.js';
import type { ChangeFeed } from '../cache/change-feed.js';
import type { RequestContext } from '../context/request-context.js';

function rootFieldCount(operation: OperationDefinitionNode): number | null {
  let count = 0;
  for (const selection of operation.selectionSet.selections) {
    // Fragments at the root are rare; such operations are simply not cached.
    if (selection.kind !== Kind.FIELD) return null;
    if (selection.name.value !== '__typename') count++;
  }
  return count;
}

function actorKey(ctx: RequestContext): string {
  const actor = ctx.actor;
  if (!actor) return 'anonymous';
  if (actor.kind === 'USER') return `user:${actor.userId}:${actor.role}:${actor.resourceIds}`;
  if (actor.kind === 'API_KEY') return `key:${actor.apiKeyId}:${actor.role}`;
  return 'platform';
}

/**
 * Answers a repeated `@KeepAnswer` query from `answers`, and makes a mutation's writes stale
 * in this process as it finishes (only its `@Writes` tables when it declares them).
 */
export function responseCachePlugin(
  feed: ChangeFeed,
  answers: AnswerCache | null,
): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      let key: string | null = null;
      let tenantId = '';
      let rootFields = 0;
      let startedAt = 0;
      let hit = false;
      return {
        async responseForOperation({ operation, queryHash, request, contextValue }) {
          const tenant = contextValue.tenant;
          // No operation chosen: Apollo calls this anyway, then answers with its own error.
          if (!answers || operation?.operation !== 'query' || !tenant || !feed.live) return null;
          const count = rootFieldCount(operation);
          if (!count) return null;
          rootFields = count;
          tenantId = tenant.id;
          startedAt = contextValue.now();
          key = [
            tenantId,
            actorKey(contextValue),
            request.operationName ?? '',
            queryHash,
            JSON.stringify(request.variables ?? {}),
          ].join('\n');
          const data = answers.get(key, startedAt);
          if (!data) return null;
          hit = true;
          return {
            http: { status: undefined, headers: new HeaderMap() },
            // RenderedData stands in for the data object it was written from.
            body: {
              kind: 'single',
              singleResult: { data: data as unknown as Record<string, unknown> },
            },
          };
        },

        async willSendResponse({ operation, response, contextValue }) {
          if (operation?.operation === 'mutation') {
            const changed = contextValue?.tenant;
            const scope = contextValue?.cache;
            if (!changed) feed.touchAll();
            else if (scope && scope.narrowed > 0 && scope.narrowed === rootFieldCount(operation))
              feed.touch(changed.id, [...scope.written]);
            else feed.touch(changed.id);
            return;
          }
          if (!answers || !key || hit || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors || result.extensions || !result.data) return;
          if (contextValue.cache.keepable !== rootFields) return;
          answers.set(key, tenantId, contextValue.cache, startedAt, result.data);
        },
      };
    },
  };
}
