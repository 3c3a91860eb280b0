import { buildSchema, isInputObjectType, isInterfaceType, isObjectType, isSpecifiedScalarType, type GraphQLNamedType } from 'graphql';
import fs from 'node:fs/promises';
import { SCHEMA_FILE } from '../src/server/schema';

/** type-graphql cannot describe the root types; their fields and arguments still need descriptions. */
const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

const described = (description: string | null | undefined): boolean => description != null && description.trim() !== '';

describe('schema.graphql', () => {
  it('gives every type, field, input field and argument a description', async () => {
    const schema = buildSchema(await fs.readFile(SCHEMA_FILE, 'utf8'));
    const missing: string[] = [];

    for (const type of Object.values(schema.getTypeMap()) as GraphQLNamedType[]) {
      if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
      if (!ROOT_TYPES.has(type.name) && !described(type.description)) missing.push(`type ${type.name}`);

      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!described(field.description)) missing.push(`field ${type.name}.${field.name}`);
          for (const arg of field.args) {
            if (!described(arg.description)) missing.push(`argument ${type.name}.${field.name}(${arg.name}:)`);
          }
        }
      } else if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!described(field.description)) missing.push(`input field ${type.name}.${field.name}`);
        }
      }
    }

    if (missing.length > 0) {
      throw new Error(
        `${missing.length} schema elements have no description; add \`description:\` to their decorators and run \`npm run schema\`:\n  ${missing.join('\n  ')}`,
      );
    }
    expect(missing).toEqual([]);
  });
});
