import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  astFromValue,
  buildSchema,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  isEnumType,
  isInputObjectType,
  isObjectType,
  isScalarType,
  print,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { createSchema } from '../../src/graphql/schema.js';
import { PROJECT_ROOT } from '../../src/shared/paths.js';

/**
 * The GraphQL contract (a copy of the design's api.graphql) is binding: every type, field,
 * argument, default and enum value it names must be served with the same type. What later
 * issues will add is listed here, and the list must shrink: a pending name that is served
 * fails the test until it is taken off.
 */
const PENDING = new Set<string>([]);

type AnyField = GraphQLField<unknown, unknown> | GraphQLInputField;

function describeArg(arg: GraphQLArgument | GraphQLInputField): string {
  const value =
    arg.defaultValue === undefined ? undefined : astFromValue(arg.defaultValue, arg.type);
  return `${arg.name}: ${String(arg.type)}${value ? ` = ${print(value)}` : ''}`;
}

function fieldsOf(type: GraphQLNamedType): Record<string, AnyField> | null {
  if (isObjectType(type) || isInputObjectType(type)) return type.getFields();
  return null;
}

async function schemas() {
  const contract = buildSchema(
    await readFile(path.join(PROJECT_ROOT, 'test/contract/api.graphql'), 'utf8'),
  );
  const served = await createSchema();
  return { contract, served };
}

describe('the GraphQL contract', () => {
  it('is served: same names, types, arguments, defaults and enum values', async () => {
    const { contract, served } = await schemas();
    const problems: string[] = [];
    for (const type of Object.values(contract.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      const ours = served.getType(type.name);
      if (!ours) {
        if (!PENDING.has(type.name) && !isScalarType(type))
          problems.push(`missing type ${type.name}`);
        if (
          isScalarType(type) &&
          !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)
        ) {
          problems.push(`missing scalar ${type.name}`);
        }
        continue;
      }
      if (PENDING.has(type.name)) continue;
      if (ours.constructor !== type.constructor)
        problems.push(`${type.name} is a different kind of type`);
      if (isEnumType(type) && isEnumType(ours)) {
        const values = new Set(ours.getValues().map((v) => v.name));
        for (const v of type.getValues())
          if (!values.has(v.name)) problems.push(`${type.name}.${v.name} missing`);
      }
      const fields = fieldsOf(type);
      const ourFields = fieldsOf(ours);
      if (!fields || !ourFields) continue;
      for (const field of Object.values(fields)) {
        const key = `${type.name}.${field.name}`;
        const mine = ourFields[field.name];
        if (!mine) {
          if (!PENDING.has(key)) problems.push(`missing field ${key}`);
          continue;
        }
        if (String(mine.type) !== String(field.type))
          problems.push(`${key}: ${String(mine.type)}, contract says ${String(field.type)}`);
        if ('args' in field && 'args' in mine) {
          const ourArgs = new Map(mine.args.map((a) => [a.name, describeArg(a)]));
          for (const arg of field.args) {
            if (ourArgs.get(arg.name) !== describeArg(arg)) {
              problems.push(
                `${key}(${describeArg(arg)}) served as ${ourArgs.get(arg.name) ?? 'nothing'}`,
              );
            }
          }
          const required = mine.args.filter(
            (a) => String(a.type).endsWith('!') && a.defaultValue === undefined,
          );
          for (const arg of required) {
            if (!field.args.some((a) => a.name === arg.name))
              problems.push(`${key} requires ${arg.name}, which the contract lacks`);
          }
        }
        if (isInputObjectType(type)) {
          const defaulted = describeArg(field as GraphQLInputField);
          if (describeArg(mine as GraphQLInputField) !== defaulted)
            problems.push(`${key} served as ${describeArg(mine as GraphQLInputField)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('lists as pending only what is not served yet', async () => {
    const { served } = await schemas();
    const servedNames = new Set<string>();
    for (const type of Object.values(served.getTypeMap())) {
      servedNames.add(type.name);
      for (const name of Object.keys(fieldsOf(type) ?? {})) servedNames.add(`${type.name}.${name}`);
    }
    expect([...PENDING].filter((name) => servedNames.has(name))).toEqual([]);
  });
});
