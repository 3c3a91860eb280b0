import { buildClientSchema, getIntrospectionQuery, parse, print, visit, type IntrospectionQuery } from 'graphql';
import fs from 'node:fs/promises';
import { printTimelineSchema, SCHEMA_FILE } from '../src/server/schema';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('schema.graphql', () => {
  it('is exactly the schema the running server serves (run `npm run schema` after changing types)', async () => {
    const response = await server.graphql<IntrospectionQuery>(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true }));
    expect(response.errors).toBeUndefined();
    const served = printTimelineSchema(buildClientSchema(response.data!));
    const checkedIn = await fs.readFile(SCHEMA_FILE, 'utf8');
    expect(checkedIn).toBe(served);
  });

  it('keeps the contract names of ../shared/API.md', async () => {
    // Without descriptions, so that a described argument does not split a signature over lines.
    const sdl = print(visit(parse(await fs.readFile(SCHEMA_FILE, 'utf8')), { enter: (node) => ('description' in node && node.description ? { ...node, description: undefined } : undefined) }));
    for (const name of [
      'interface Node',
      'interface TimelineEvent implements Node',
      'type CallEvent implements TimelineEvent & Node',
      'scalar DateTime',
      'customerByIdentifier(identifier: IdentifierInput!): Customer',
      'recordEvents(input: RecordEventsInput!): RecordEventsPayload!',
      'enum EventKind',
      'input TimelineFilter',
    ]) {
      expect(sdl).toContain(name);
    }
    expect(sdl).not.toContain('DateTimeISO');
  });
});
