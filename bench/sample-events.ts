import { summarise } from '../src/timeline/summary';
import { CallOutcome, Channel, Direction, EventKind, PurchaseStatus, SurveyKind } from '../src/core/enums';
import type { Random } from '../src/seed/random';

/**
 * One timeline_event row as the event recorder would have stored it: `details` holds exactly the
 * normalised fields of its kind (absent ones as null) and `summary` comes from the real summariser.
 */
export interface SampleEvent {
  kind: EventKind;
  channel: Channel;
  direction: Direction | null;
  summary: string;
  source: string;
  externalId: string;
  agentId: string | null;
  details: Record<string, unknown>;
}

type Details = Omit<SampleEvent, 'kind' | 'summary' | 'externalId'>;

const KIND_WEIGHTS: [EventKind, number][] = [
  [EventKind.CALL, 30],
  [EventKind.EMAIL, 30],
  [EventKind.SOCIAL_MESSAGE, 20],
  [EventKind.PURCHASE, 12],
  [EventKind.SURVEY_RESPONSE, 7],
  [EventKind.REVIEW, 1],
];
const AGENTS = ['agent-07', 'agent-12', 'agent-17', 'agent-23', 'agent-31'];
const SUBJECTS = ['Where is my order?', 'Invoice for order', 'Return label please', 'Size exchange', 'Re: your delivery', 'Account e-mail change', 'Discount code not applied'];
const MESSAGES = ['Any news on my parcel?', 'Thanks, that worked!', 'Can I still change the delivery address?', 'The shoes are a size too small.', 'Do you ship to Norway?', 'Is the trail shoe back in stock?'];
const COMMENTS = ['Quick help', 'Took too long to get through', 'Friendly agent, solved it at once', 'Had to explain my problem twice', null, null];
const PRODUCTS: { sku: string; name: string; cents: number }[] = [
  { sku: 'TR-6', name: 'Trail shoe', cents: 5990 },
  { sku: 'RS-2', name: 'Road shoe', cents: 8990 },
  { sku: 'SK-9', name: 'Running socks (3 pairs)', cents: 1490 },
  { sku: 'JK-4', name: 'Rain jacket', cents: 12900 },
  { sku: 'CP-1', name: 'Running cap', cents: 1990 },
];
const SOCIAL_PLATFORMS = ['instagram', 'facebook', 'x', 'tiktok'];

/** A plausible event of a random kind; `sequence` makes its external id unique across the load. */
export function sampleEvent(random: Random, sequence: number): SampleEvent {
  const kind = random.weighted(KIND_WEIGHTS);
  const externalId = `bench-${sequence}`;
  const event = DETAILS[kind](random, externalId);
  return { kind, externalId, summary: summarise(kind, event.direction, event.details), ...event };
}

const DETAILS: Record<EventKind, (random: Random, externalId: string) => Details> = {
  [EventKind.CALL]: call,
  [EventKind.EMAIL]: email,
  [EventKind.SOCIAL_MESSAGE]: socialMessage,
  [EventKind.PURCHASE]: purchase,
  [EventKind.SURVEY_RESPONSE]: surveyResponse,
  [EventKind.REVIEW]: review,
};

function call(random: Random, externalId: string): Details {
  const direction = random.chance(0.7) ? Direction.INBOUND : Direction.OUTBOUND;
  const outcome = random.weighted([
    [CallOutcome.ANSWERED, 70],
    [CallOutcome.MISSED, 15],
    [CallOutcome.VOICEMAIL, 10],
    [CallOutcome.ABANDONED, 5],
  ]);
  const answered = outcome === CallOutcome.ANSWERED;
  const customerNumber = `+1415555${String(random.int(0, 9999)).padStart(4, '0')}`;
  return {
    channel: Channel.PHONE,
    direction,
    source: 'twilio',
    agentId: answered ? random.pick(AGENTS) : null,
    details: {
      fromNumber: direction === Direction.INBOUND ? customerNumber : '+18005550100',
      toNumber: direction === Direction.INBOUND ? '+18005550100' : customerNumber,
      outcome,
      waitSeconds: direction === Direction.INBOUND ? random.int(0, 300) : null,
      durationSeconds: answered ? random.int(30, 1800) : null,
      recordingUrl: answered ? `https://recordings.example.com/calls/${externalId}.mp3` : null,
      transcript: answered && random.chance(0.3) ? 'Customer asked about the delivery date; agent confirmed dispatch and sent the tracking link.' : null,
    },
  };
}

function email(random: Random, externalId: string): Details {
  const direction = random.chance(0.55) ? Direction.INBOUND : Direction.OUTBOUND;
  const customer = 'maya.lind@example.com';
  const support = 'support@example.net';
  return {
    channel: Channel.EMAIL,
    direction,
    source: 'gmail',
    agentId: direction === Direction.OUTBOUND ? random.pick(AGENTS) : null,
    details: {
      fromAddress: direction === Direction.INBOUND ? customer : support,
      toAddresses: direction === Direction.INBOUND ? [support] : [customer],
      subject: random.pick(SUBJECTS),
      bodyText: `Hi,\n\n${random.pick(MESSAGES)} I ordered last week and the tracking page has not changed since.\nCould you have a look?\n\nThanks,\nMaya`,
      threadId: `thread-${random.int(1, 5000)}`,
      messageId: `<${externalId}@mail.example.net>`,
    },
  };
}

function socialMessage(random: Random): Details {
  const direction = random.chance(0.6) ? Direction.INBOUND : Direction.OUTBOUND;
  const platform = random.pick(SOCIAL_PLATFORMS);
  return {
    channel: Channel.SOCIAL,
    direction,
    source: platform,
    agentId: direction === Direction.OUTBOUND ? random.pick(AGENTS) : null,
    details: { platform, handle: 'maya.runs', threadId: `dm-${random.int(1, 2000)}`, text: random.pick(MESSAGES) },
  };
}

function purchase(random: Random): Details {
  const lines = Array.from({ length: random.int(1, 4) }, () => ({ product: random.pick(PRODUCTS), quantity: random.int(1, 3) }));
  const items = lines.map(({ product, quantity }) => ({ sku: product.sku, name: product.name, quantity, unitPrice: euros(product.cents) }));
  const totalCents = lines.reduce((sum, { product, quantity }) => sum + quantity * product.cents, 0);
  return {
    channel: random.chance(0.8) ? Channel.WEB : Channel.IN_STORE,
    direction: null,
    source: 'shopify',
    agentId: null,
    details: {
      orderNumber: `SO-${random.int(100000, 999999)}`,
      status: random.weighted([
        [PurchaseStatus.PAID, 40],
        [PurchaseStatus.FULFILLED, 40],
        [PurchaseStatus.PLACED, 10],
        [PurchaseStatus.REFUNDED, 7],
        [PurchaseStatus.CANCELLED, 3],
      ]),
      total: euros(totalCents),
      items,
    },
  };
}

function surveyResponse(random: Random): Details {
  const [survey, min, max] = random.pick([
    [SurveyKind.NPS, 0, 10],
    [SurveyKind.CSAT, 1, 5],
    [SurveyKind.CES, 1, 7],
  ] as const);
  return {
    channel: random.chance(0.7) ? Channel.WEB : Channel.EMAIL,
    direction: null,
    source: 'delighted',
    agentId: null,
    details: { survey, score: random.int(min, max), scaleMax: max, comment: random.pick(COMMENTS), aboutEventId: null },
  };
}

const REVIEWS = ['Great shoes, fast delivery', 'Returned a pair, refund took two weeks', 'Customer service sorted my exchange', null];

function review(random: Random): Details {
  const words = random.pick(REVIEWS);
  return {
    channel: Channel.WEB,
    direction: null,
    source: 'trustpilot',
    agentId: null,
    details: { platform: random.pick(['trustpilot', 'google']), rating: random.int(1, 5), scaleMax: 5, title: words, text: words, url: null },
  };
}

function euros(cents: number): { amount: string; currency: string } {
  return { amount: (cents / 100).toFixed(2), currency: 'EUR' };
}
