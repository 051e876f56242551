import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { type FormattedExecutionResult, Kind, type OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { ChangeFeed } from '../db/change-feed.js';
import type { RequestContext } from '../http/context.js';

/**
 * What one request learns about whether its answer may be kept. Created with the request's
 * context, before the request reads anything, so that `stamp` predates every read.
 */
export class CacheScope {
  /** The change feed's counter when the request began (see ChangeFeed). */
  readonly stamp: number;
  /** Root fields whose resolvers said their answer may be kept. */
  keepable = 0;
  /** First and last instants (epoch ms, inclusive) the answer is right for, the data unchanged. */
  from = Number.NEGATIVE_INFINITY;
  until = Number.POSITIVE_INFINITY;

  /** Root fields of a mutation that named the tables they write (`writes`). */
  narrowed = 0;
  /** The tables they named. */
  readonly written = new Set<string>();

  constructor(stamp: number) {
    this.stamp = stamp;
  }

  /**
   * Called by a mutation's resolver that writes, of the tables the change feed watches, only
   * `tables`: when every root field of the mutation says so, this process makes only those
   * stale at once (the tenant and session caches survive a booking). Otherwise all of the
   * tenant's data is.
   */
  writes(...tables: string[]): void {
    this.narrowed++;
    for (const table of tables) this.written.add(table);
  }

  /**
   * Called by a root field's resolver whose answer depends only on the tenant's data (as the
   * change feed covers it), the arguments and the caller, and on time only in that it holds
   * from `computedAt` (the "now" it was computed for) up to `until`.
   */
  keep(until: number, computedAt = Number.NEGATIVE_INFINITY): void {
    this.keepable++;
    this.from = Math.max(this.from, computedAt);
    this.until = Math.min(this.until, until);
  }
}

/**
 * A kept answer's `data`, already written as JSON: kept as one string, so the cache holds
 * what its byte budget counts (parsed objects take several times more heap), and a hit is
 * written out without being stringified again (`stringifyCachedResult`).
 */
export class RenderedData {
  constructor(readonly json: string) {}

  /** Whoever stringifies a result the ordinary way still gets the right JSON. */
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/**
 * Apollo's `stringifyResult`: a kept answer is written from its text; everything else as
 * Apollo writes it (JSON and a newline).
 */
export function stringifyCachedResult(result: FormattedExecutionResult): string {
  if (result.data instanceof RenderedData && !result.errors && !result.extensions) {
    return `{"data":${result.data.json}}\n`;
  }
  return `${JSON.stringify(result)}\n`;
}

interface Entry {
  /** The tenant's version the answer was computed at. */
  version: number;
  from: number;
  until: number;
  data: RenderedData;
  size: number;
}

export interface ResponseCacheOptions {
  /** Total size of the kept answers, in bytes of JSON. */
  maxBytes: number;
}

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
  if (actor.kind === 'USER') return `user:${actor.userId}:${actor.role}`;
  if (actor.kind === 'API_KEY') return `key:${actor.apiKeyId}:${actor.role}`;
  return 'platform';
}

/**
 * Keeps whole answers of queries whose every root field opted in (`CacheScope.keep`), per
 * tenant, caller, document and variables, and answers a repeat from memory while the
 * tenant's data is unchanged (ChangeFeed) and the clock is inside the answer's time range.
 * A hit skips execution only: the request has been authenticated, rate-limited, validated
 * and checked against the query limits as usual. Mutations make their tenant's answers stale
 * in this process as soon as they finish, so a caller reads its own writes.
 */
export function responseCachePlugin(
  feed: ChangeFeed,
  options: ResponseCacheOptions,
): ApolloServerPlugin<RequestContext> {
  // Stale answers are never served (the version check) and age out of the LRU.
  const cache = new LRUCache<string, Entry>({
    maxSize: options.maxBytes,
    sizeCalculation: (entry) => Math.max(1, entry.size),
  });
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
          // No operation (an unknown operationName, or several with none chosen): Apollo calls
          // this hook anyway and then answers with GraphQL's own error.
          if (operation?.operation !== 'query' || !tenant || !feed.live) return null;
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
          const entry = cache.get(key);
          if (
            entry &&
            entry.version === feed.version(tenantId) &&
            entry.from <= startedAt &&
            startedAt <= entry.until
          ) {
            hit = true;
            return {
              http: { status: undefined, headers: new HeaderMap() },
              // RenderedData stands in for the data object it was written from.
              body: {
                kind: 'single',
                singleResult: { data: entry.data as unknown as Record<string, unknown> },
              },
            };
          }
          return null;
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
          if (!key || hit) return;
          const scope = contextValue.cache;
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors || result.extensions || !result.data) return;
          if (scope.keepable !== rootFields) return;
          // Kept only if nothing of the tenant changed since before the request read anything.
          const version = feed.version(tenantId);
          const from = Math.max(startedAt, scope.from);
          if (!feed.live || version > scope.stamp || scope.until < from) return;
          const json = JSON.stringify(result.data);
          cache.set(key, {
            version,
            from,
            until: scope.until,
            data: new RenderedData(json),
            // Characters of the text and the key (a byte each while the text is Latin-1).
            size: json.length + key.length,
          });
        },
      };
    },
  };
}
