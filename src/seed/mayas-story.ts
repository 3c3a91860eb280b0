import { CallOutcome, Channel, Direction, EventKind, PurchaseStatus, SurveyKind } from '../core/enums';
import { SUPPORT_ADDRESS } from './demo-content';
import { MAYA, type Draft, type Order, type Person } from './demo-model';
import type { Random } from './random';
import type { Registry } from './registry';
import { priceIn, purchaseDetails } from './timeline-writer';
import { DAY, HOUR, MINUTE } from './time-helpers';

export function mayasStory(maya: Person, rng: Random, registry: Registry, day: number): Draft[] {
  const at = (daysAgo: number, hh: number, mm: number) => day - daysAgo * DAY + hh * HOUR + mm * MINUTE;
  const id = (make: () => string) => registry.unique('event', make);
  const base = { customerId: maya.id, about: null };
  const order: Order = {
    number: MAYA.orderNumber,
    shopifyId: '5712048213001',
    items: [{ sku: 'RUN-1001-W-UK6', name: 'Ridgeline trail running shoes, UK 6', quantity: 1, unitPrice: priceIn(129, 'GBP') }],
    currency: 'GBP',
    placedAt: at(18, 19, 42),
  };
  const support = maya.region.supportLine;
  const threadId = rng.hex(16);
  const paid: Draft = {
    ...base, kind: EventKind.PURCHASE, channel: Channel.WEB, occurredAt: order.placedAt, direction: null, source: 'shopify',
    externalId: id(() => `order-${order.shopifyId}-paid`), agentId: null, details: purchaseDetails(order, PurchaseStatus.PAID),
  };
  const fulfilled: Draft = {
    ...base, kind: EventKind.PURCHASE, channel: Channel.WEB, occurredAt: at(16, 11, 5), direction: null, source: 'shopify',
    externalId: id(() => `order-${order.shopifyId}-fulfilled`), agentId: null, details: purchaseDetails(order, PurchaseStatus.FULFILLED),
  };
  const callSid = id(() => `CA${rng.hex(32)}`);
  const call: Draft = {
    ...base, kind: EventKind.CALL, channel: Channel.PHONE, occurredAt: at(8, 9, 14), direction: Direction.INBOUND, source: 'twilio',
    externalId: callSid, agentId: 'priya.nair',
    details: {
      fromNumber: maya.phones[0],
      toNumber: support,
      outcome: CallOutcome.ANSWERED,
      waitSeconds: 38,
      durationSeconds: 371,
      recordingUrl: `https://recordings.example.net/calls/${callSid}.mp3`,
      transcript: [
        'Agent: Thanks for calling, you are speaking with Priya. How can I help?',
        'Customer: Hi, it is Maya Okafor. My order SO-100482 arrived, the trail running shoes, but they are the wrong size: I ordered a UK 6 and got a UK 7.',
        'Agent: I am sorry about that. I can see the order. We can exchange them for a UK 6 free of charge.',
        'Customer: Great. Do I need to send the UK 7 back first?',
        'Agent: I will e-mail you a prepaid return label, and we will send the UK 6 as soon as the parcel is scanned.',
        'Customer: Perfect, thank you.',
      ].join('\n'),
    },
  };
  const subject = 'Exchange for order SO-100482';
  const inbound: Draft = {
    ...base, kind: EventKind.EMAIL, channel: Channel.EMAIL, occurredAt: at(4, 7, 55), direction: Direction.INBOUND, source: 'gmail',
    externalId: id(() => rng.hex(16)), agentId: null,
    details: {
      fromAddress: MAYA.email,
      toAddresses: [SUPPORT_ADDRESS],
      subject,
      bodyText:
        'Hi,\n\nI called last week about order SO-100482: the trail running shoes came in a UK 7 instead of a UK 6. ' +
        'The agent said you would e-mail me a prepaid return label for the exchange, but nothing has arrived yet. Could you send it please?\n\nThanks,\nMaya',
      threadId,
      messageId: `<${rng.hex(24)}@example.com>`,
    },
  };
  const reply: Draft = {
    ...base, kind: EventKind.EMAIL, channel: Channel.EMAIL, occurredAt: at(3, 10, 21), direction: Direction.OUTBOUND, source: 'gmail',
    externalId: id(() => rng.hex(16)), agentId: 'tom.walsh',
    details: {
      fromAddress: SUPPORT_ADDRESS,
      toAddresses: [MAYA.email],
      subject: `Re: ${subject}`,
      bodyText:
        'Hi Maya,\n\nSorry for the wait. I have asked our warehouse to issue the prepaid return label for your exchange; it will arrive in a separate e-mail within 24 hours. ' +
        'As soon as the parcel is scanned we will send the UK 6.\n\nBest wishes,\nTom\nCustomer Support',
      threadId,
      messageId: `<${rng.hex(24)}@example.net>`,
    },
  };
  const csat: Draft = {
    ...base, kind: EventKind.SURVEY_RESPONSE, channel: Channel.EMAIL, occurredAt: at(2, 8, 40), direction: null, source: 'delighted',
    externalId: id(() => rng.digits(9)), agentId: null, about: call,
    details: { survey: SurveyKind.CSAT, score: 4, scaleMax: 5, comment: 'Priya was lovely on the phone, but I am still waiting for the return label.', aboutEventId: null },
  };
  const dm: Draft = {
    ...base, kind: EventKind.SOCIAL_MESSAGE, channel: Channel.SOCIAL, occurredAt: at(0, 8, 12), direction: Direction.INBOUND, source: 'instagram',
    externalId: id(() => `m_${rng.hex(32)}`), agentId: null,
    details: { platform: 'instagram', handle: MAYA.instagram, threadId: maya.socials[0].threadId, text: 'Hi! Still waiting for the exchange label for SO-100482, can you help?' },
  };
  return [paid, fulfilled, call, inbound, reply, csat, dm];
}
