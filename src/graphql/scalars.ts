import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { GraphQLDateTime, GraphQLEmailAddress } from 'graphql-scalars';
import { isRealDate } from '../scheduling/zone-time.js';
import { normalizeTimeZone } from '../shared/time-zone.js';

/** graphql-scalars' DateTime, serialising to the string itself so JSON.stringify stays fast. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  ...GraphQLDateTime.toConfig(),
  serialize(value) {
    const date = value instanceof Date ? value : (GraphQLDateTime.serialize(value) as Date);
    if (Number.isNaN(date.getTime())) {
      throw new GraphQLError('DateTime cannot represent an invalid Date');
    }
    return date.toISOString();
  },
});
export const EmailAddressScalar = GraphQLEmailAddress;

function stringScalar(options: {
  name: string;
  description: string;
  parse: (value: string) => string;
}): GraphQLScalarType<string, string> {
  const parse = (value: unknown, node?: ValueNode): string => {
    if (typeof value !== 'string') {
      throw new GraphQLError(`${options.name} must be a string`, { nodes: node });
    }
    try {
      return options.parse(value);
    } catch (err) {
      // A literal's refusal carries its node, so that it is reported with its location.
      if (node && err instanceof GraphQLError) throw new GraphQLError(err.message, { nodes: node });
      throw err;
    }
  };
  return new GraphQLScalarType<string, string>({
    name: options.name,
    description: options.description,
    serialize: (value) => parse(value),
    parseValue: parse,
    parseLiteral(ast: ValueNode) {
      if (ast.kind !== Kind.STRING) {
        throw new GraphQLError(`${options.name} must be a string`, { nodes: ast });
      }
      return parse(ast.value, ast);
    },
  });
}

export const LocalDateScalar = stringScalar({
  name: 'LocalDate',
  description: "A calendar date (YYYY-MM-DD) local to the tenant's time zone.",
  parse(value) {
    if (!isRealDate(value)) {
      throw new GraphQLError(`LocalDate must be a real date as YYYY-MM-DD (got "${value}")`);
    }
    return value;
  },
});

const LOCAL_TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

export const LocalTimeScalar = stringScalar({
  name: 'LocalTime',
  description: 'A wall-clock time HH:mm (24-hour); "24:00" is allowed as the end of a window.',
  parse(value) {
    if (!LOCAL_TIME.test(value)) {
      throw new GraphQLError(`LocalTime must be HH:mm between 00:00 and 24:00 (got "${value}")`);
    }
    return value;
  },
});

export const TimeZoneScalar = stringScalar({
  name: 'TimeZone',
  description: 'An IANA time-zone id, e.g. Europe/London.',
  parse(value) {
    const zone = normalizeTimeZone(value);
    if (!zone) {
      throw new GraphQLError(
        `TimeZone must be an IANA time-zone id such as Europe/London (got "${value}")`,
      );
    }
    return zone;
  },
});
