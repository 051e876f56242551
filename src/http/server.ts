import { ApolloServer } from '@apollo/server';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config.js';
import { createFormatError } from '../graphql/format-error.js';
import { registerConsole } from './console.js';
import { type AppServices, buildRequestContext, type RequestContext } from './context.js';
import { registerExportRoutes } from './exports.js';
import { registerHealthRoutes } from './health.js';

export const GRAPHQL_PATH = '/graphql';
export const TENANT_GRAPHQL_PATH = '/t/:slug/graphql';

export interface HttpServer {
  fastify: FastifyInstance;
  apollo: ApolloServer<RequestContext>;
}

/** Fastify with GraphQL at /graphql and /t/<slug>/graphql, and the health routes. */
export async function createHttpServer(options: {
  config: Config;
  orm: MikroORM;
  schema: GraphQLSchema;
  services: AppServices;
  logger: FastifyBaseLogger;
}): Promise<HttpServer> {
  const { config, orm, schema, services } = options;
  const fastify = Fastify({
    loggerInstance: options.logger,
    // A graceful close waits at most this long for in-flight requests.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });

  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: config.nodeEnv !== 'production',
    formatError: createFormatError({
      production: config.nodeEnv === 'production',
      log: fastify.log,
    }),
    plugins: [fastifyApolloDrainPlugin(fastify)],
  });
  await apollo.start();

  const handler = fastifyApolloHandler(apollo, {
    context: (request) => buildRequestContext(services, request),
  });
  for (const url of [GRAPHQL_PATH, TENANT_GRAPHQL_PATH]) {
    fastify.route({ method: ['GET', 'POST', 'OPTIONS'], url, handler });
  }
  registerHealthRoutes(fastify, orm);
  registerExportRoutes(fastify, services);
  await registerConsole(fastify);
  return { fastify, apollo };
}
