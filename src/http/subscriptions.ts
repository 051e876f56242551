import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import {
  GraphQLError,
  type GraphQLSchema,
  Kind,
  OperationTypeNode,
  specifiedRules,
  validate,
} from 'graphql';
import { useServer as serveGraphqlWs } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { authenticate } from '../access/authenticate.js';
import type { AppServices } from '../context/request-context.js';
import type { SubscriptionContext } from '../events/events.resolver.js';
import { tenantSources } from '../tenancy/tenant-sources.js';
import { callerContext } from './context.js';

/** Subscriptions one connection may hold at once: each reads the feed on every change. */
export const MAX_SUBSCRIPTIONS = 10;

/** The paths GraphQL answers on; a WebSocket upgrade anywhere else is refused. */
const PATH = /^\/(?:t\/([^/]+)\/)?graphql$/;

/** What a client sends in `connection_init`: the credential and the tenant, as HTTP headers would. */
type InitPayload = Record<string, unknown> & { authorization?: unknown; tenant?: unknown };

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** graphql-ws on the GraphQL paths: subscriptions only, authenticated as HTTP requests are. */
export function registerSubscriptions(
  fastify: FastifyInstance,
  schema: GraphQLSchema,
  services: AppServices,
  rules: typeof specifiedRules,
): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  wss.on('error', (err) => fastify.log.warn({ err }, 'websocket server error'));
  fastify.server.on('upgrade', (request: IncomingMessage, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (!PATH.test(path)) return socket.destroy();
    socket.on('error', () => socket.destroy());
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  // Every socket ends with the server, before it stops: a client that does not answer the close is cut.
  fastify.addHook('preClose', async () => {
    for (const client of wss.clients) client.close(1001, 'server shutting down');
    const cut = setTimeout(() => {
      for (const client of wss.clients) client.terminate();
    }, 1000);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    clearTimeout(cut);
  });

  const callerOf = (request: IncomingMessage, params: InitPayload | undefined) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    return {
      sources: tenantSources({
        host: request.headers.host,
        xTenant: text(params?.tenant) ?? request.headers['x-tenant'],
        pathSlug: PATH.exec(path)?.[1],
        baseDomain: services.config.baseDomain,
      }),
      authorization: text(params?.authorization),
      requestId: randomUUID(),
      ip: request.socket.remoteAddress ?? '',
      logFields: { transport: 'websocket' },
    };
  };

  serveGraphqlWs<InitPayload, { closed: AbortController }>(
    {
      schema,
      // Queries and mutations keep to HTTP, with its protections; the same limits on depth and cost.
      validate: (s, document) => {
        const errors: GraphQLError[] = [...validate(s, document, rules)];
        for (const d of document.definitions) {
          if (
            d.kind === Kind.OPERATION_DEFINITION &&
            d.operation !== OperationTypeNode.SUBSCRIPTION
          ) {
            errors.push(
              new GraphQLError(
                'Only subscriptions are served over WebSocket; send queries and mutations over HTTP',
              ),
            );
          }
        }
        return errors;
      },
      onSubscribe: (ctx) => {
        // The one being subscribed is already listed.
        if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS) {
          return [
            new GraphQLError(
              `A connection holds at most ${MAX_SUBSCRIPTIONS} subscriptions; open another connection or stop one`,
            ),
          ];
        }
      },
      // The credential is checked once on connecting, and again by each subscription as it runs.
      onConnect: async (ctx) => {
        try {
          const context = await callerContext(
            services,
            callerOf(ctx.extra.request, ctx.connectionParams),
          );
          // A subscription needs a caller: anonymous sockets are not kept open.
          if (!context.tenant || !context.actor) return false;
          const closed = new AbortController();
          ctx.extra.socket.once('close', () => closed.abort());
          Object.assign(ctx.extra, { closed });
          return true;
        } catch {
          return false;
        }
      },
      context: async (ctx) => {
        const caller = callerOf(ctx.extra.request, ctx.connectionParams);
        const context = await callerContext(services, caller);
        const tenant = context.tenant;
        const subscription: SubscriptionContext = {
          ...context,
          reauthenticate: async () => {
            const em = services.orm.em.fork({ clear: true });
            const auth = await authenticate(em, services.config, caller.authorization, tenant, {
              sessions: services.caches.sessions,
              stamp: services.caches.feed.stamp(),
            }).catch(() => null);
            return auth?.actor ?? null;
          },
          subscription: {
            changes: services.caches.feed,
            signal: ctx.extra.closed?.signal ?? new AbortController().signal,
          },
        };
        return subscription;
      },
    },
    wss,
  );
}
