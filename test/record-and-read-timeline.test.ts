import { EVENT_FIELDS, RECORD_PAYLOAD } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ DEFAULT_PHONE_REGION: 'GB' });
});
afterAll(() => server.stop());

const RECORD_CALL = `mutation ($input: RecordCallInput!) { recordCall(input: $input) { ${RECORD_PAYLOAD} } }`;

describe('recording events and reading them back', () => {
  it('creates a customer from an unknown phone and finds her by the same number in another format', async () => {
    const { recordCall } = await server.data(RECORD_CALL, {
      input: {
        identifier: { kind: 'PHONE', value: '+44 20 7946 0958' },
        occurredAt: '2026-11-16T09:30:00Z',
        direction: 'INBOUND',
        outcome: 'ANSWERED',
        durationSeconds: 252,
        fromNumber: '020 7946 0958',
        source: 'twilio',
        externalId: 'CA-1',
      },
    });
    expect(recordCall.userErrors).toEqual([]);
    expect(recordCall.created).toBe(true);
    expect(recordCall.event).toMatchObject({
      __typename: 'CallEvent',
      kind: 'CALL',
      channel: 'PHONE',
      outcome: 'ANSWERED',
      fromNumber: '+442079460958',
      durationSeconds: 252,
      occurredAt: '2026-11-16T09:30:00.000Z',
      summary: 'Inbound call, answered, 4m 12s',
    });
    expect(recordCall.customer.displayName).toBe('+442079460958');

    for (const format of ['0044 20-7946-0958', '020 7946 0958', '+442079460958']) {
      const { customerByIdentifier } = await server.data(
        `query ($identifier: IdentifierInput!) { customerByIdentifier(identifier: $identifier) { id identifiers { kind value namespace verified } timeline(first: 5) { edges { node { ${EVENT_FIELDS} } } } } }`,
        { identifier: { kind: 'PHONE', value: format } },
      );
      expect(customerByIdentifier.id).toBe(recordCall.customer.id);
      expect(customerByIdentifier.identifiers).toEqual([{ kind: 'PHONE', value: '+442079460958', namespace: null, verified: false }]);
      expect(customerByIdentifier.timeline.edges.map((e: any) => e.node.id)).toEqual([recordCall.event.id]);
    }
  });
});
