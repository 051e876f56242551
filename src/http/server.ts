import { randomUUID } from 'node:crypto';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { GraphQLError, type GraphQLSchema, specifiedRules } from 'graphql';
import { stringifyCachedResult } from '../cache/answers.js';
import type { Config } from '../config.js';
import type { AppServices, RequestContext } from '../context/request-context.js';
import { isDatabaseOutage } from '../db/connections.js';
import { argumentChecksPlugin } from '../graphql/argument-checks.js';
import { createFormatError } from '../graphql/format-error.js';
import { introspectionGatePlugin, observabilityPlugin, outagePlugin } from '../graphql/plugins.js';
import { responseCachePlugin } from '../graphql/response-cache.js';
import { httpAnswerOf, serviceUnavailable } from '../shared/errors.js';
import { registerConsole } from './console.js';
import { buildRequestContext } from './context.js';
import { registerExportRoutes } from './exports.js';
import { registerHealthRoutes } from './health.js';
import { registerManagePage } from './manage.js';
import { registerMetricsRoute } from './metrics.js';
import { registerProtections } from './protections.js';
import { RequestLog } from './request-log.js';
import { registerSubscriptions } from './subscriptions.js';

export const GRAPHQL_PATH = '/graphql';
const TENANT_GRAPHQL_PATH = '/t/:slug/graphql';

interface HttpServer {
  fastify: FastifyInstance;
  apollo: ApolloServer<RequestContext>;
}

/** What one GraphQL document may ask for (docs/SECURITY.md); introspection is not counted. */
export const QUERY_LIMITS = {
  maxDepth: 10,
  maxAliases: 15,
  maxDirectives: 10,
  maxTokens: 2000,
  maxCost: 20_000,
} as const;

/** graphql-armor's refusal of a long document comes out as 500; only validation errors: 400. */
async function clientErrorStatus(_request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  if (reply.statusCode !== 500 || typeof payload !== 'string') return payload;
  try {
    const body = JSON.parse(payload) as { errors?: Array<{ extensions?: { code?: string } }> };
    const codes = (body.errors ?? []).map((e) => e.extensions?.code);
    if (codes.length > 0 && codes.every((c) => c === 'GRAPHQL_VALIDATION_FAILED')) reply.code(400);
  } catch {
    // not JSON: leave it
  }
  return payload;
}

/** graphql-armor's protections with QUERY_LIMITS; suggestions hidden in production. */
export function queryArmor(production: boolean) {
  return new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    maxTokens: { n: QUERY_LIMITS.maxTokens },
    costLimit: { maxCost: QUERY_LIMITS.maxCost, ignoreIntrospection: true },
    // Suggestions ("Did you mean ...?") describe the schema: hidden where introspection is.
    blockFieldSuggestion: { enabled: production },
  }).protect();
}

/** Fastify with GraphQL, downloads, health, metrics and the console. */
export async function createHttpServer(options: {
  config: Config;
  schema: GraphQLSchema;
  services: AppServices;
  logger: FastifyBaseLogger;
}): Promise<HttpServer> {
  const { config, schema, services } = options;
  const production = config.nodeEnv === 'production';
  const fastify = Fastify({
    loggerInstance: options.logger,
    genReqId: () => randomUUID(),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustedProxies.length ? config.trustedProxies : false,
    forceCloseConnections: 'idle',
    logController: new RequestLog(),
    return503OnClosing: true,
  });
  // Outside GraphQL, errors answer as inside: with their status and headers, an outage as 503.
  fastify.setErrorHandler((error, _request, reply) => {
    const known =
      error instanceof GraphQLError ? error : isDatabaseOutage(error) ? serviceUnavailable() : null;
    if (!known) return reply.send(error);
    const { status, headers, body } = httpAnswerOf(known);
    return reply.code(status).headers(headers).send(body);
  });
  await registerProtections(fastify, services);

  const armor = queryArmor(production);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    ...armor,
    stringifyResult: stringifyCachedResult,
    plugins: [
      // Typed against Apollo's CommonJS build: the same interface, seen twice by the compiler.
      ...(armor.plugins as unknown as ApolloServerPlugin<RequestContext>[]),
      fastifyApolloDrainPlugin(fastify),
      argumentChecksPlugin(),
      outagePlugin(),
      // No cache hints: the default plugin wraps every field's resolver to compute them.
      ApolloServerPluginCacheControlDisabled(),
      responseCachePlugin(services.caches.feed, services.caches.answers),
      observabilityPlugin(services.metrics),
      ...(production ? [introspectionGatePlugin()] : []),
    ],
    validationRules: [...armor.validationRules],
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    introspection: true,
    includeStacktraceInErrorResponses: !production,
    formatError: createFormatError({ production, log: fastify.log }),
  });
  await apollo.start();

  const handler = fastifyApolloHandler(apollo, {
    context: (request) => buildRequestContext(services, request),
  });
  for (const url of [GRAPHQL_PATH, TENANT_GRAPHQL_PATH]) {
    fastify.route({ method: ['GET', 'POST', 'OPTIONS'], url, handler, onSend: clientErrorStatus });
  }
  registerSubscriptions(fastify, schema, services, [
    ...specifiedRules,
    ...(armor.validationRules as unknown as typeof specifiedRules),
  ]);
  registerHealthRoutes(fastify, services.orm, services.caches.feed);
  registerMetricsRoute(fastify, services.metrics, config);
  registerExportRoutes(fastify, services);
  await registerManagePage(fastify, services);
  await registerConsole(fastify);
  return { fastify, apollo };
}
