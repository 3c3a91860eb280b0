import { printSchema, type GraphQLSchema } from 'graphql';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from './paths';
import { buildTimelineSchema } from './schema';

export const SCHEMA_FILE = path.join(PROJECT_ROOT, 'schema.graphql');

export function printTimelineSchema(schema: GraphQLSchema): string {
  return `# Emitted from the type-graphql schema by \`npm run schema\`; do not edit by hand.\n\n${printSchema(schema)}\n`;
}

if (require.main === module) {
  buildTimelineSchema()
    .then((schema) => fs.writeFile(SCHEMA_FILE, printTimelineSchema(schema)))
    .then(() => console.log(`wrote ${SCHEMA_FILE}`))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
