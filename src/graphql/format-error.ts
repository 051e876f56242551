import type { FastifyBaseLogger } from 'fastify';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** Errors raised on purpose go out as they are; others are logged, and hidden in production. */
export function createFormatError(options: { production: boolean; log: FastifyBaseLogger }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original =
      error instanceof GraphQLError && error.originalError ? error.originalError : error;
    // Ours (outagePlugin): the request line records it; the client is told to retry.
    if (original instanceof GraphQLError || formatted.extensions?.code === 'SERVICE_UNAVAILABLE') {
      return formatted;
    }
    options.log.error(
      { err: original, path: formatted.path },
      'unexpected error in GraphQL operation',
    );
    if (!options.production) {
      return {
        ...formatted,
        extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' },
      };
    }
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
