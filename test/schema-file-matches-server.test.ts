import { buildClientSchema, getIntrospectionQuery, parse, print, visit, type IntrospectionQuery } from 'graphql';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
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

  it("is what the console's types are generated from (console/src/api/graphql-env.d.ts, `npm run schema` writes both)", async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'console-types-'));
    const generated = path.join(directory, 'graphql-env.d.ts');
    const root = path.join(__dirname, '..');
    await promisify(execFile)(path.join(root, 'node_modules', '.bin', 'gql.tada'), ['generate', 'output', '--tsconfig', 'console/tsconfig.json', '--output', generated], { cwd: root });
    const [fresh, checkedIn] = await Promise.all([fs.readFile(generated, 'utf8'), fs.readFile(path.join(root, 'console', 'src', 'api', 'graphql-env.d.ts'), 'utf8')]);
    await fs.rm(directory, { recursive: true });
    expect(checkedIn).toBe(fresh);
  }, 30_000);

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
