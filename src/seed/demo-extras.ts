import { Channel, Direction, EventKind, PurchaseStatus } from '../core/enums';
import type { Draft, Person } from './demo-model';
import { Random, seedFrom } from './random';
import type { Registry } from './registry';
import { DAY, HOUR, seconds } from './time-helpers';

const REVIEW_WORDS: Record<'good' | 'middling' | 'bad', { title: string; text: string }[]> = {
  good: [
    { title: 'Great shoes, fast delivery', text: 'Ordered on Sunday, running in them by Wednesday. Fit as expected.' },
    { title: 'Helpful support', text: 'Had to exchange a size and the team sorted it in one call.' },
    { title: 'Will buy again', text: 'Third pair from this shop, never a problem.' },
  ],
  middling: [
    { title: 'Good product, slow refund', text: 'The jacket is fine but my refund for the first one took two weeks.' },
    { title: 'OK', text: 'Delivery was a day late, otherwise fine.' },
  ],
  bad: [
    { title: 'Still waiting', text: 'Returned the order a month ago and have not had my money back.' },
    { title: 'Wrong size twice', text: 'Sent the wrong size again after an exchange. Disappointed.' },
  ],
};

/**
 * What the demo adds after the timelines are written, with a random stream of its own (so the
 * timelines stay as they were): reviews after some fulfilled orders, and some calls on video and
 * some conversations in the live chat, the channels a customer expects besides phone, e-mail and
 * social media. Maya's scripted story is left alone.
 */
export function addDemoExtras(events: Draft[], people: Person[], registry: Registry, anchor: number, untouched: ReadonlySet<Draft>): Draft[] {
  const rng = new Random(seedFrom('customer-timeline/demo/extras'));
  const byId = new Map(people.map((p) => [p.id, p]));
  const extra: Draft[] = [];
  for (const event of events) {
    if (untouched.has(event)) continue;
    if (event.kind === EventKind.CALL && rng.chance(0.07)) {
      event.channel = Channel.VIDEO;
      event.source = 'zoom';
    }
    if (event.kind === EventKind.PURCHASE && event.details.status === PurchaseStatus.FULFILLED && rng.chance(0.08)) {
      const at = seconds(event.occurredAt + rng.between(2 * DAY, 20 * DAY));
      if (at >= anchor - HOUR) continue;
      const mood = rng.weighted([['good', 65], ['middling', 20], ['bad', 15]] as const);
      const rating = mood === 'good' ? rng.weighted([[5, 70], [4, 30]] as const) : mood === 'middling' ? rng.weighted([[3, 60], [4, 40]] as const) : rng.weighted([[1, 60], [2, 40]] as const);
      const platform = rng.weighted([['trustpilot', 55], ['google', 45]] as const);
      const words = rng.pick(REVIEW_WORDS[mood]);
      const id = registry.unique('event', () => rng.hex(12));
      extra.push({
        customerId: event.customerId,
        kind: EventKind.REVIEW,
        channel: Channel.WEB,
        occurredAt: at,
        direction: null,
        source: platform,
        externalId: `review-${id}`,
        agentId: null,
        about: null,
        details: { platform, rating, scaleMax: 5, title: words.title, text: words.text, url: `https://${platform === 'google' ? 'g.page/r' : 'www.trustpilot.com/reviews'}/${id}` },
      });
    }
  }
  // Some conversations happen in the website's live chat instead: every message of the thread moves.
  const chats = new Set<string>();
  for (const event of events) {
    if (untouched.has(event) || event.kind !== EventKind.SOCIAL_MESSAGE || event.details.platform === 'sms') continue;
    const thread = `${event.customerId}|${event.details.threadId as string}|${Math.floor(event.occurredAt / (3 * DAY))}`;
    if (!chats.has(thread) && event.direction === Direction.INBOUND && rng.chance(0.15)) chats.add(thread);
    if (chats.has(thread)) {
      event.channel = Channel.CHAT;
      event.source = 'livechat';
      event.details = { ...event.details, platform: 'livechat', handle: byId.get(event.customerId)?.displayName.toLowerCase().replace(/\s+/g, '.') ?? event.details.handle };
    }
  }
  return extra;
}
