import fs from 'node:fs/promises';
import { SCHEMA_FILE, buildTimelineSchema, printTimelineSchema } from '../server/schema';

/** `npm run schema`: writes the SDL the server serves to schema.graphql. */
buildTimelineSchema()
  .then((schema) => fs.writeFile(SCHEMA_FILE, printTimelineSchema(schema)))
  .then(() => console.log(`wrote ${SCHEMA_FILE}`))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
