import { CallOutcome, Channel, Direction, EventKind, PurchaseStatus, SurveyKind } from '../core/enums';
import { AGENTS, CATALOGUE, GBP_RATES, MARKETING_SUBJECTS, NEWS_ADDRESS, ORDERS_ADDRESS, SUPPORT_ADDRESS, SURVEY_COMMENTS, TOPICS, type Agent, type Product, type Topic } from './demo-content';
import type { Draft, Mood, Order, Person } from './demo-model';
import { consentAt } from './people';
import type { Random } from './random';
import type { Registry } from './registry';
import { minorUnits } from '../core/money';
import { DAY, HOUR, MINUTE, SECOND, clamp, fill, seconds } from './time-helpers';

/** Episode kinds and their relative frequency; sized so the event mix lands near e-mail 35%, calls 25%, social 20%, purchases 15%, surveys 5%. */
const EPISODES = { email: 0.7, call: 1.45, social: 0.53, purchase: 0.36 } as const;
/** Average events an episode of each kind produces, to plan how many episodes make a customer's share. */
const EPISODE_SIZE = { email: 2.2, call: 1.3, social: 2.3, purchase: 2.3 } as const;
type Episode = keyof typeof EPISODES;


export class TimelineWriter {
  readonly events: Draft[] = [];
  private readonly orders: Order[] = [];

  constructor(
    private readonly person: Person,
    private readonly rng: Random,
    private readonly registry: Registry,
    private readonly from: number,
    private readonly until: number,
  ) {}

  /** Adds episodes, spread over the window in time order, until about `target` events exist. */
  fill(target: number): void {
    const { rng, person } = this;
    if (this.until - this.from < HOUR) return;
    const weights: [Episode, number][] = [
      ['email', person.emails.length ? EPISODES.email * this.affinity(Channel.EMAIL) : 0],
      ['call', person.phones.length ? EPISODES.call * this.affinity(Channel.PHONE) : 0],
      ['social', person.socials.length || person.phones.length ? EPISODES.social * this.affinity(Channel.SOCIAL) * (person.socials.length ? 1 : 0.3) : 0],
      ['purchase', EPISODES.purchase * rng.logNormal(1, 0.3)],
    ];
    const planned: { at: number; episode: Episode }[] = [];
    let expected = 0;
    while (expected < target) {
      const episode = rng.weighted(weights);
      planned.push({ at: rng.between(this.from, this.until), episode });
      expected += EPISODE_SIZE[episode];
    }
    planned.sort((a, b) => a.at - b.at);
    for (const { at, episode } of planned) this[episode](at);
  }

  private affinity(channel: Channel): number {
    const preferred = this.person.preferredChannel;
    const boost = preferred === channel || (preferred === Channel.SMS && channel === Channel.SOCIAL) ? 1.8 : 1;
    return boost * this.rng.logNormal(1, 0.35);
  }

  // -- episodes --

  call(t: number): void {
    const { rng, person } = this;
    const phone = rng.pick(person.phones);
    const line = person.region.supportLine;
    const topic = this.topic(t);
    const start = this.localTime(t, 8, 19.5, true);
    if (rng.chance(0.8)) {
      const outcome = rng.weighted([[CallOutcome.ANSWERED, 75], [CallOutcome.ABANDONED, 11], [CallOutcome.MISSED, 6], [CallOutcome.VOICEMAIL, 8]] as const);
      const first = this.addCall(start, Direction.INBOUND, phone, line, outcome, topic);
      if (!first) return;
      let last = first;
      let mood: Mood = (first.details.waitSeconds as number) > 240 ? 'middling' : 'good';
      if (outcome !== CallOutcome.ANSWERED) {
        mood = 'bad';
        if (!rng.chance(0.6)) return;
        const back = rng.weighted([[CallOutcome.ANSWERED, 70], [CallOutcome.VOICEMAIL, 20], [CallOutcome.MISSED, 10]] as const);
        const callback = this.addCall(seconds(start + rng.between(20 * MINUTE, 5 * HOUR)), Direction.OUTBOUND, line, phone, back, topic);
        if (!callback || back !== CallOutcome.ANSWERED) return;
        last = callback;
        mood = rng.chance(0.5) ? 'middling' : 'good';
      }
      if (rng.chance(0.18)) this.surveyAfterCall(last, mood);
    } else {
      const outcome = rng.weighted([[CallOutcome.ANSWERED, 60], [CallOutcome.VOICEMAIL, 25], [CallOutcome.MISSED, 15]] as const);
      const call = this.addCall(start, Direction.OUTBOUND, line, phone, outcome, topic);
      if (call && outcome === CallOutcome.ANSWERED && rng.chance(0.1)) this.surveyAfterCall(call, 'good');
    }
  }

  email(t: number): void {
    const { rng, person } = this;
    const address = rng.pick(person.emails);
    if (rng.chance(0.2)) {
      if (consentAt(person, Channel.EMAIL, t) === false) return;
      const subject = rng.pick(MARKETING_SUBJECTS);
      this.addEmail(this.localTime(t, 9, 11), Direction.OUTBOUND, 'klaviyo', NEWS_ADDRESS, address, subject, `${subject}.\n\nSee what is new in the shop this week.`, null, null);
      return;
    }
    const topic = this.topic(t);
    const source = rng.chance(0.7) ? 'zendesk' : 'gmail';
    const threadId = source === 'zendesk' ? this.registry.unique('zendesk-ticket', () => rng.digits(6)) : rng.hex(16);
    const subject = fill(rng.pick(topic.subjects), topic.context);
    const inbound = this.addEmail(this.localTime(t, 7, 23), Direction.INBOUND, source, address, SUPPORT_ADDRESS, subject, fill(rng.pick(topic.bodies), topic.context), threadId, null);
    if (!inbound || !rng.chance(0.92)) return;
    let reply = this.addEmail(
      seconds(inbound.occurredAt + clamp(rng.logNormal(5 * HOUR, 1), 10 * MINUTE, 72 * HOUR)),
      Direction.OUTBOUND, source, SUPPORT_ADDRESS, address, `Re: ${subject}`, fill(rng.pick(topic.replies), topic.context), threadId, topic.agent,
    );
    if (!reply) return;
    let mood: Mood = reply.occurredAt - inbound.occurredAt > 24 * HOUR ? 'middling' : 'good';
    if (topic.followUps.length && rng.chance(0.3)) {
      const text = rng.pick(topic.followUps);
      const followUp = this.addEmail(
        seconds(reply.occurredAt + clamp(rng.logNormal(8 * HOUR, 0.9), 20 * MINUTE, 6 * DAY)),
        Direction.INBOUND, source, address, SUPPORT_ADDRESS, `Re: ${subject}`, `${text}\n\n${topic.context.given}`, threadId, null,
      );
      if (!followUp) return;
      if (/still|not|again|another|instead/i.test(text)) mood = 'bad';
      if (!rng.chance(0.75)) return;
      const second = this.addEmail(
        seconds(followUp.occurredAt + clamp(rng.logNormal(4 * HOUR, 1), 10 * MINUTE, 48 * HOUR)),
        Direction.OUTBOUND, source, SUPPORT_ADDRESS, address, `Re: ${subject}`,
        fill(`Hi {given},\n\nThanks for letting us know. I have taken care of it and will keep an eye on it for you.\n\nBest wishes,\n{agent}\nCustomer Support`, topic.context),
        threadId, topic.agent,
      );
      if (!second) return;
      reply = second;
      if (mood === 'bad') mood = 'middling';
    }
    if (rng.chance(0.14)) {
      this.addSurvey(seconds(reply.occurredAt + rng.between(HOUR, 30 * HOUR)), SurveyKind.CSAT, Channel.EMAIL, 'delighted', reply, mood, topic.agentName);
    }
  }

  social(t: number): void {
    const { rng, person } = this;
    const options: [{ platform: string; handle: string; threadId: string }, number][] = person.socials.map((s) => [s, 3]);
    if (person.phones.length) options.push([{ platform: 'sms', handle: person.phones[0], threadId: person.phones[0] }, 1]);
    const conversation = rng.weighted(options);
    const topic = this.topic(t);
    const first = this.addMessage(this.localTime(t, 9, 23.5), Direction.INBOUND, conversation, fill(rng.pick(topic.dms), topic.context), null);
    if (!first || !rng.chance(0.85)) return;
    let last = this.addMessage(
      seconds(first.occurredAt + clamp(rng.logNormal(40 * MINUTE, 1.2), 2 * MINUTE, 30 * HOUR)),
      Direction.OUTBOUND, conversation, fill(rng.pick(topic.dmReplies), topic.context), topic.agent,
    );
    if (!last) return;
    if (rng.chance(0.25)) {
      const text = rng.pick(['Thanks!', 'Great, thank you 🙏', 'ok perfect', 'Amazing, thanks so much', 'Still nothing here, sorry', 'Got it 👍']);
      const more = this.addMessage(seconds(last.occurredAt + clamp(rng.logNormal(30 * MINUTE, 1), MINUTE, 12 * HOUR)), Direction.INBOUND, conversation, text, null);
      if (!more) return;
      if (text.startsWith('Still')) {
        last = this.addMessage(seconds(more.occurredAt + rng.between(5 * MINUTE, 3 * HOUR)), Direction.OUTBOUND, conversation, fill('Sorry {given}, I am chasing it now and will update you today.', topic.context), topic.agent) ?? last;
      }
    }
    if (rng.chance(0.06)) {
      const channel = conversation.platform === 'sms' ? Channel.SMS : Channel.SOCIAL;
      this.addSurvey(seconds(last.occurredAt + rng.between(30 * MINUTE, 6 * HOUR)), SurveyKind.CSAT, channel, 'delighted', last, 'good', topic.agentName);
    }
  }

  purchase(t: number): void {
    const { rng, person } = this;
    const channel = rng.weighted([[Channel.WEB, 75], [Channel.IN_STORE, 18], [Channel.PHONE, 7]] as const);
    if (channel === Channel.IN_STORE) {
      const order = this.newOrder(this.localTime(t, 9.5, 19.5));
      const sale = this.addPurchase(order, PurchaseStatus.FULFILLED, order.placedAt, channel, null);
      if (sale && rng.chance(0.05)) this.addNps(seconds(sale.occurredAt + rng.between(2 * DAY, 10 * DAY)));
      return;
    }
    let order: Order;
    let paid: Draft | null;
    if (channel === Channel.PHONE) {
      order = this.newOrder(this.localTime(t, 9, 18, true));
      const agent = rng.pick(AGENTS).id;
      if (!this.addPurchase(order, PurchaseStatus.PLACED, order.placedAt, channel, agent)) return;
      paid = this.addPurchase(order, PurchaseStatus.PAID, seconds(order.placedAt + rng.between(MINUTE, 15 * MINUTE)), channel, agent);
    } else {
      order = this.newOrder(this.localTime(t, 7, 23.5));
      paid = this.addPurchase(order, PurchaseStatus.PAID, order.placedAt, channel, null);
    }
    if (!paid) return;
    if (rng.chance(0.05)) {
      this.addPurchase(order, PurchaseStatus.CANCELLED, seconds(paid.occurredAt + clamp(rng.logNormal(3 * HOUR, 1), 5 * MINUTE, 36 * HOUR)), channel, null);
      return;
    }
    const fulfilled = this.addPurchase(order, PurchaseStatus.FULFILLED, this.localTime(paid.occurredAt + rng.between(0.5, 3.5) * DAY, 9, 17), channel, null);
    if (!fulfilled) return;
    const address = person.emails[0];
    if (address && rng.chance(0.3)) {
      const subject = `Your order ${order.number} is on its way`;
      this.addEmail(seconds(fulfilled.occurredAt + rng.between(MINUTE, 5 * MINUTE)), Direction.OUTBOUND, 'shopify', ORDERS_ADDRESS, address, subject,
        `Hi ${person.givenName ?? 'there'},\n\nGood news: order ${order.number} has left our warehouse. Track it from your account page.`, null, null);
    }
    if (person.phones.length && consentAt(person, Channel.SMS, fulfilled.occurredAt) === true && rng.chance(0.4)) {
      const conversation = { platform: 'sms', handle: person.phones[0], threadId: person.phones[0] };
      this.addMessage(this.localTime(fulfilled.occurredAt + DAY, 7, 9), Direction.OUTBOUND, conversation, `Your order ${order.number} is out for delivery today.`, null);
    }
    if (rng.chance(0.07)) {
      this.addPurchase(order, PurchaseStatus.REFUNDED, this.localTime(fulfilled.occurredAt + rng.between(6, 25) * DAY, 9, 17), channel, null);
    } else if (rng.chance(0.1)) {
      this.addNps(this.localTime(fulfilled.occurredAt + rng.between(7, 14) * DAY, 8, 21));
    }
  }

  // -- single events --

  private add(draft: Omit<Draft, 'customerId' | 'about'> & { about?: Draft | null }): Draft | null {
    if (draft.occurredAt >= this.until || draft.occurredAt < this.person.createdAt) return null;
    const event: Draft = { customerId: this.person.id, about: null, ...draft };
    this.events.push(event);
    return event;
  }

  private externalId(make: () => string): string {
    return this.registry.unique('event', make);
  }

  private addCall(at: number, direction: Direction, fromNumber: string, toNumber: string, outcome: CallOutcome, topic: TopicUse): Draft | null {
    const { rng } = this;
    const inbound = direction === Direction.INBOUND;
    const sid = this.externalId(() => `CA${rng.hex(32)}`);
    let waitSeconds: number | null = null;
    if (inbound) {
      const median = { [CallOutcome.ANSWERED]: 45, [CallOutcome.ABANDONED]: 150, [CallOutcome.MISSED]: 25, [CallOutcome.VOICEMAIL]: 60 }[outcome];
      waitSeconds = Math.round(clamp(rng.logNormal(median, 0.8), 3, 1500));
    }
    const durationSeconds =
      outcome === CallOutcome.ANSWERED ? Math.round(clamp(rng.logNormal(250, 0.6), 35, 3600)) : outcome === CallOutcome.VOICEMAIL ? rng.int(12, 90) : 0;
    let transcript: string | null = null;
    if (outcome === CallOutcome.ANSWERED && topic.calls.length && rng.chance(0.55)) {
      transcript = fill(rng.pick(topic.calls).join('\n'), topic.context);
    } else if (outcome === CallOutcome.VOICEMAIL && inbound && rng.chance(0.5)) {
      transcript = fill(`Customer: Hi, it is {given}. ${topic.context.order ? 'I am calling about order {order}. ' : ''}Could you call me back please? Thanks.`, topic.context);
    }
    const answered = outcome === CallOutcome.ANSWERED;
    return this.add({
      kind: EventKind.CALL,
      channel: Channel.PHONE,
      occurredAt: at,
      direction,
      source: 'twilio',
      externalId: sid,
      agentId: answered || !inbound ? topic.agent : null,
      details: {
        fromNumber,
        toNumber,
        outcome,
        waitSeconds,
        durationSeconds,
        recordingUrl: answered || outcome === CallOutcome.VOICEMAIL ? `https://recordings.example.net/calls/${sid}.mp3` : null,
        transcript,
      },
    });
  }

  private addEmail(
    at: number,
    direction: Direction,
    source: string,
    fromAddress: string,
    toAddress: string,
    subject: string,
    bodyText: string,
    threadId: string | null,
    agentId: string | null,
  ): Draft | null {
    const { rng } = this;
    const externalId = this.externalId(() => (source === 'zendesk' ? `zd-${rng.digits(10)}` : source === 'gmail' ? rng.hex(16) : `${source}-${rng.hex(20)}`));
    return this.add({
      kind: EventKind.EMAIL,
      channel: Channel.EMAIL,
      occurredAt: at,
      direction,
      source,
      externalId,
      agentId,
      details: { fromAddress, toAddresses: [toAddress], subject, bodyText, threadId, messageId: `<${rng.hex(24)}@${fromAddress.split('@')[1]}>` },
    });
  }

  private addMessage(at: number, direction: Direction, conversation: { platform: string; handle: string; threadId: string }, text: string, agentId: string | null): Draft | null {
    const { rng } = this;
    const { platform } = conversation;
    const source = platform === 'sms' ? 'twilio' : platform;
    const externalId = this.externalId(() => {
      switch (platform) {
        case 'sms':
          return `SM${rng.hex(32)}`;
        case 'whatsapp':
          return `wamid.${rng.hex(40).toUpperCase()}`;
        case 'x':
        case 'tiktok':
          return rng.digits(19);
        default:
          return `m_${rng.hex(32)}`;
      }
    });
    return this.add({
      kind: EventKind.SOCIAL_MESSAGE,
      channel: platform === 'sms' ? Channel.SMS : Channel.SOCIAL,
      occurredAt: at,
      direction,
      source,
      externalId,
      agentId,
      details: { platform, handle: conversation.handle, threadId: conversation.threadId, text },
    });
  }

  private newOrder(at: number): Order {
    const { rng, person } = this;
    const currency = person.region.currency;
    const lines = rng.weighted([[1, 55], [2, 28], [3, 12], [4, 5]] as const);
    const products: Product[] = [];
    while (products.length < lines) {
      const product = rng.weighted(CATALOGUE.map((p) => [p, p.weight] as const));
      if (!products.includes(product)) products.push(product);
    }
    const order: Order = {
      number: this.registry.unique('order', () => `SO-${rng.int(100000, 199999)}`),
      shopifyId: this.registry.unique('shopify-order', () => rng.digits(13)),
      items: products.map((p) => ({
        sku: p.sku,
        name: p.name,
        quantity: p.maxQuantity > 1 && rng.chance(0.3) ? rng.int(2, p.maxQuantity) : 1,
        unitPrice: priceIn(p.gbp, currency),
      })),
      currency,
      placedAt: at,
    };
    this.orders.push(order);
    return order;
  }

  private addPurchase(order: Order, status: PurchaseStatus, at: number, channel: Channel, agentId: string | null): Draft | null {
    return this.add({
      kind: EventKind.PURCHASE,
      channel,
      occurredAt: at,
      direction: null,
      source: 'shopify',
      externalId: this.externalId(() => `order-${order.shopifyId}-${status.toLowerCase()}`),
      agentId,
      details: purchaseDetails(order, status),
    });
  }

  private surveyAfterCall(call: Draft, mood: Mood): void {
    const { rng } = this;
    const channel = rng.weighted([[Channel.EMAIL, 50], [Channel.SMS, 35], [Channel.PHONE, 15]] as const);
    const survey = rng.chance(0.7) ? SurveyKind.CSAT : SurveyKind.CES;
    const ended = call.occurredAt + ((call.details.durationSeconds as number) + ((call.details.waitSeconds as number | null) ?? 0)) * SECOND;
    const at = channel === Channel.PHONE ? seconds(ended + rng.between(5, 30) * SECOND) : seconds(ended + rng.between(10 * MINUTE, 26 * HOUR));
    const agent = AGENTS.find((a) => a.id === call.agentId)?.name ?? 'The agent';
    this.addSurvey(at, survey, channel, channel === Channel.PHONE ? 'twilio' : 'delighted', call, mood, agent);
  }

  private addSurvey(at: number, survey: SurveyKind, channel: Channel, source: string, about: Draft | null, mood: Mood, agentName: string): Draft | null {
    const { rng } = this;
    const roll = rng.chance(0.15) ? rng.pick<Mood>(['good', 'middling', 'bad']) : mood;
    const scales = {
      [SurveyKind.CSAT]: { max: 5, good: [[5, 55], [4, 35], [3, 7], [2, 2], [1, 1]], middling: [[5, 10], [4, 35], [3, 35], [2, 12], [1, 8]], bad: [[5, 2], [4, 8], [3, 20], [2, 35], [1, 35]] },
      [SurveyKind.CES]: { max: 7, good: [[7, 40], [6, 35], [5, 15], [4, 6], [3, 2], [2, 1], [1, 1]], middling: [[7, 8], [6, 20], [5, 30], [4, 22], [3, 12], [2, 5], [1, 3]], bad: [[7, 2], [6, 5], [5, 10], [4, 18], [3, 25], [2, 20], [1, 20]] },
      [SurveyKind.NPS]: { max: 10, good: [[10, 30], [9, 30], [8, 20], [7, 12], [6, 5], [5, 3]], middling: [[8, 20], [7, 30], [6, 25], [5, 15], [4, 10]], bad: [[6, 15], [5, 15], [4, 15], [3, 15], [2, 15], [1, 10], [0, 15]] },
    } as const;
    const scale = scales[survey];
    const score: number = rng.weighted(scale[roll] as unknown as [number, number][]);
    const share = score / scale.max;
    let comment: string | null = null;
    if (rng.chance(0.45)) {
      const pool =
        survey === SurveyKind.NPS
          ? share >= 0.7 ? SURVEY_COMMENTS.npsGood : SURVEY_COMMENTS.npsBad
          : share >= 0.75 ? SURVEY_COMMENTS.good : share >= 0.5 ? SURVEY_COMMENTS.middling : SURVEY_COMMENTS.bad;
      comment = rng.pick(pool).replace('{agent}', agentName);
    }
    return this.add({
      kind: EventKind.SURVEY_RESPONSE,
      channel,
      occurredAt: at,
      direction: null,
      source,
      externalId: this.externalId(() => (source === 'twilio' ? `FN${rng.hex(32)}` : rng.digits(9))),
      agentId: null,
      about,
      // aboutEventId is filled in once the event it is about has an id.
      details: { survey, score, scaleMax: scale.max, comment, aboutEventId: null },
    });
  }

  private addNps(at: number): void {
    const mood = this.rng.weighted([['good', 70], ['middling', 20], ['bad', 10]] as const);
    this.addSurvey(at, SurveyKind.NPS, this.rng.chance(0.7) ? Channel.EMAIL : Channel.WEB, 'delighted', null, mood, '');
  }

  // -- helpers --

  /** What the customer gets in touch about at `t`; order topics use their latest recent order. */
  private topic(t: number): TopicUse {
    const { rng, person } = this;
    let recent: Order | undefined;
    for (let i = this.orders.length - 1; i >= 0 && !recent; i--) {
      const order = this.orders[i];
      if (order.placedAt <= t && order.placedAt > t - 60 * DAY) recent = order;
    }
    const topics = TOPICS.filter((topic) => recent || !topic.needsOrder);
    const topic = rng.weighted(topics.map((x) => [x, x.weight] as const));
    const agent: Agent = rng.pick(AGENTS);
    return {
      ...topic,
      agent: agent.id,
      agentName: agent.name,
      context: {
        given: person.givenName ?? person.displayName,
        agent: agent.name,
        order: recent?.number ?? '',
        item: recent?.items[0].name ?? '',
        product: rng.pick(CATALOGUE).name,
      },
    };
  }

  /** A time on the customer's local day containing `t`, between the given local hours. */
  private localTime(t: number, fromHour: number, toHour: number, weekdays = false): number {
    const offset = this.person.utcOffset * HOUR;
    let localDay = Math.floor((t + offset) / DAY) * DAY;
    if (weekdays) {
      const weekday = new Date(localDay).getUTCDay();
      if ((weekday === 0 || weekday === 6) && this.rng.chance(0.75)) localDay += (weekday === 6 ? 2 : 1) * DAY;
    }
    return seconds(localDay + this.rng.between(fromHour, toHour) * HOUR - offset);
  }
}

interface TopicUse extends Topic {
  agent: string;
  agentName: string;
  context: Record<string, string>;
}

export function purchaseDetails(order: Order, status: PurchaseStatus): Record<string, unknown> {
  const total = order.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
  return {
    orderNumber: order.number,
    status,
    total: money(total, order.currency),
    items: order.items.map((item) => ({ sku: item.sku, name: item.name, quantity: item.quantity, unitPrice: money(item.unitPrice, order.currency) })),
  };
}

/** A catalogue price in the currency's minor units: pounds as listed, elsewhere converted to a .99 price. */
export function priceIn(gbp: number, currency: string): number {
  const factor = 10 ** minorUnits(currency);
  if (currency === 'GBP') return gbp * factor;
  const whole = Math.round(gbp * GBP_RATES[currency]);
  return factor > 1 ? whole * factor - 1 : whole;
}

/** Minor units as the decimal string money.ts stores ("129.00", "1299"). */
function money(minor: number, currency: string): { amount: string; currency: string } {
  const digits = minorUnits(currency);
  if (digits === 0) return { amount: String(minor), currency };
  const factor = 10 ** digits;
  return { amount: `${Math.floor(minor / factor)}.${String(minor % factor).padStart(digits, '0')}`, currency };
}
