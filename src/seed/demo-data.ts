import 'reflect-metadata';
import type { DataSource, EntityManager } from 'typeorm';
import type { Config } from '../app/config';
import { normaliseEmail, normaliseHandle, normalisePhone } from '../customers/identifier';
import { minorUnits as currencyMinorUnits } from '../ingest/money';
import { summarise } from '../ingest/summary';
import { toGlobalId } from '../relay/global-id';
import { ALLOWED_CHANNELS, CallOutcome, Channel, Direction, EventKind, PurchaseStatus, SurveyKind } from '../timeline/enums';
import {
  AGENTS,
  CATALOGUE,
  CONTACT_HOURS,
  FAMILY_NAMES,
  GBP_RATES,
  GIVEN_NAMES,
  HANDLE_WORDS,
  MARKETING_SUBJECTS,
  NEWS_ADDRESS,
  NOTES,
  ORDERS_ADDRESS,
  REGIONS,
  SUPPORT_ADDRESS,
  SURVEY_COMMENTS,
  TOPICS,
  type Agent,
  type NameSet,
  type Place,
  type Product,
  type Region,
  type Topic,
} from './demo-content';
import { Random, alphanumeric, asciiLetters, seedFrom } from './random';

/*
 * Demo data: ~300 customers and ~30,000 timeline events over the two years before an anchor
 * (by default the start of the current UTC day), generated from fixed seeds so the same anchor
 * always yields the same rows. One customer, Maya Okafor, carries a scripted recent story that
 * the README walks through.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const CUSTOMER_COUNT = 300;
const EVENT_COUNT = 30_000;
const HISTORY_DAYS = 730;
const CHUNK_ROWS = 5_000;

export async function isDatabaseEmpty(db: DataSource): Promise<boolean> {
  const [row] = await db.query(`SELECT NOT EXISTS (SELECT 1 FROM customer) AS empty`);
  return row.empty;
}

export interface SeedOptions {
  /** Timestamps are this instant minus offsets; defaults to the start of the current UTC day. */
  anchor?: Date;
}

/**
 * Writes the demo data set in one transaction. Refuses (throws) when the database already has
 * customers; the caller decides whether to seed.
 */
export async function seedDemoData(db: DataSource, config: Config, options: SeedOptions = {}): Promise<{ customers: number; events: number }> {
  const anchor = options.anchor ?? startOfUtcDay(new Date());
  const data = buildDemoData(anchor, config.DEFAULT_PHONE_REGION);

  return db.transaction(async (m) => {
    const [{ customers }] = await m.query(`SELECT count(*)::int AS customers FROM (SELECT 1 FROM customer LIMIT 1) c`);
    if (customers > 0) throw new Error('Refusing to seed demo data: the database already has customers. Seed only an empty database.');
    await insertCustomers(m, data.people);
    await insertEvents(m, data.events);
    return { customers: data.people.length, events: data.events.length };
  });
}

// ---------------------------------------------------------------------------------------------
// The data set, built in memory

type IdentifierKind = 'EMAIL' | 'PHONE' | 'SOCIAL' | 'EXTERNAL_ID';

interface IdentifierRow {
  kind: IdentifierKind;
  namespace: string;
  value: string;
  verified: boolean;
  source: string | null;
  addedAt: number;
}

interface ConsentChange {
  channel: Channel;
  granted: boolean;
  source: string;
  at: number;
}

interface Person {
  id: string;
  givenName: string | null;
  familyName: string | null;
  displayName: string;
  locale: string;
  timeZone: string;
  utcOffset: number;
  region: Region;
  emails: string[];
  phones: string[];
  socials: { platform: string; handle: string; threadId: string }[];
  identifiers: IdentifierRow[];
  preferredChannel: Channel | null;
  language: string | null;
  contactHours: string | null;
  notes: string[];
  /** Every consent change, oldest first; the last per channel is the current consent. */
  consentChanges: ConsentChange[];
  createdAt: number;
  updatedAt: number;
  version: number;
  /** The customer's events fall in [activeFrom, activeUntil). */
  activeFrom: number;
  activeUntil: number;
  /** Relative share of all events. */
  activity: number;
}

interface Draft {
  customerId: string;
  kind: EventKind;
  channel: Channel;
  occurredAt: number;
  direction: Direction | null;
  source: string;
  externalId: string;
  agentId: string | null;
  details: Record<string, unknown>;
  /** Survey responses: the event they are about (its id is known only once it is stored). */
  about: Draft | null;
}

interface DemoData {
  people: Person[];
  events: Draft[];
}

/** Identifiers, handles, order numbers and external ids already handed out. */
class Registry {
  private readonly used = new Set<string>();

  /** Marks a value as taken; false when it already was. */
  claim(space: string, value: string): boolean {
    const key = `${space}\u0000${value}`;
    if (this.used.has(key)) return false;
    this.used.add(key);
    return true;
  }

  /** A value from `make` not handed out before in `space`. */
  unique(space: string, make: (attempt: number) => string): string {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const value = make(attempt);
      if (this.claim(space, value)) return value;
    }
    throw new Error(`demo data: ran out of unique values for ${space}`);
  }
}

const MAYA = {
  email: 'maya.okafor@example.com',
  /*
   * The brief asked for +44 7700 900123, Ofcom's drama mobile range, but libphonenumber (and so
   * normalisePhone) rejects every 07700 900xxx number, so the API could never look her up by it.
   * +44 20 7946 0123 is in Ofcom's London drama range and normalises.
   */
  phone: '+442079460123',
  instagram: 'maya.runs',
  shopifyId: 'gid-48213',
  orderNumber: 'SO-100482',
};

export function buildDemoData(anchorDate: Date, phoneRegion = 'US'): DemoData {
  const anchor = anchorDate.getTime();
  if (!Number.isFinite(anchor)) throw new Error('demo data: the anchor is not a valid date');
  const registry = new Registry();
  for (const region of REGIONS) registry.claim('phone', region.supportLine);
  registry.claim('email', SUPPORT_ADDRESS);
  registry.claim('order', MAYA.orderNumber);

  const profiles = new Random(seedFrom('customer-timeline/demo/customers'));
  const people = buildPeople(profiles, registry, anchor, phoneRegion);

  const rng = new Random(seedFrom('customer-timeline/demo/events'));
  const events: Draft[] = [];
  const [maya, ...others] = people;

  // Maya: ~40 events over two years, then the scripted story of the last three weeks.
  const story = startOfUtcDay(anchorDate).getTime();
  const mayaHistory = new TimelineWriter(maya, rng, registry, maya.activeFrom, story - 20 * DAY);
  mayaHistory.fill(40);
  events.push(...mayaHistory.events, ...mayasStory(maya, rng, registry, story));

  // Everyone else shares the rest in proportion to how active and how long-standing they are.
  let remaining = EVENT_COUNT - events.length;
  let activityLeft = others.reduce((sum, p) => sum + p.activity, 0);
  for (const person of others) {
    const target = Math.max(2, Math.round((remaining * person.activity) / activityLeft));
    const writer = new TimelineWriter(person, rng, registry, person.activeFrom, person.activeUntil);
    writer.fill(target);
    events.push(...writer.events);
    remaining -= writer.events.length;
    activityLeft -= person.activity;
  }

  for (const event of events) {
    if (!ALLOWED_CHANNELS[event.kind].includes(event.channel)) throw new Error(`demo data: ${event.kind} on ${event.channel}`);
    if (event.occurredAt % 1 !== 0) throw new Error('demo data: timestamps must be whole milliseconds');
  }
  return { people, events };
}

// ---------------------------------------------------------------------------------------------
// Customers

function buildPeople(rng: Random, registry: Registry, anchor: number, phoneRegion: string): Person[] {
  const people: Person[] = [mayaOkafor(rng, registry, anchor, phoneRegion)];
  while (people.length < CUSTOMER_COUNT) people.push(randomPerson(rng, registry, anchor, phoneRegion));
  return people;
}

function mayaOkafor(rng: Random, registry: Registry, anchor: number, phoneRegion: string): Person {
  const region = REGIONS.find((r) => r.country === 'GB')!;
  const createdAt = seconds(startOfUtcDay(new Date(anchor)).getTime() - 781 * DAY + 20 * HOUR + 14 * MINUTE);
  const email = checkedEmail(MAYA.email);
  const phone = checkedPhone(MAYA.phone, phoneRegion);
  const handle = checkedHandle(MAYA.instagram, 'instagram', phoneRegion);
  registry.claim('email', email);
  registry.claim('phone', phone);
  registry.claim('social:instagram', handle);
  registry.claim('external:shopify', MAYA.shopifyId);
  const at = (days: number) => seconds(createdAt + days * DAY);
  const consentChanges: ConsentChange[] = [
    { channel: Channel.EMAIL, granted: true, source: 'checkout', at: createdAt },
    { channel: Channel.SMS, granted: true, source: 'checkout', at: createdAt },
    { channel: Channel.PHONE, granted: true, source: 'agent', at: at(96.6) },
    { channel: Channel.SMS, granted: false, source: 'sms-stop', at: at(212.7) },
  ];
  return {
    id: rng.uuid(),
    givenName: 'Maya',
    familyName: 'Okafor',
    displayName: 'Maya Okafor',
    locale: 'en-GB',
    timeZone: 'Europe/London',
    utcOffset: 0,
    region,
    emails: [email],
    phones: [phone],
    socials: [{ platform: 'instagram', handle, threadId: 't_340282366841710300949128' }],
    identifiers: [
      { kind: 'EMAIL', namespace: '', value: email, verified: true, source: 'shopify', addedAt: createdAt },
      { kind: 'PHONE', namespace: '', value: phone, verified: true, source: 'shopify', addedAt: createdAt },
      { kind: 'EXTERNAL_ID', namespace: 'shopify', value: MAYA.shopifyId, verified: true, source: 'shopify', addedAt: createdAt },
      { kind: 'SOCIAL', namespace: 'instagram', value: handle, verified: false, source: 'instagram', addedAt: createdAt },
    ],
    preferredChannel: Channel.EMAIL,
    language: 'en',
    contactHours: 'mornings',
    notes: ['prefers e-mail, mornings', 'runs marathons: shoe size UK 6'],
    consentChanges,
    createdAt,
    updatedAt: at(212.7),
    version: 3,
    activeFrom: seconds(Math.max(createdAt + HOUR, anchor - HISTORY_DAYS * DAY)),
    activeUntil: anchor,
    activity: 0,
  };
}

function randomPerson(rng: Random, registry: Registry, anchor: number, phoneRegion: string): Person {
  const region = rng.weighted(REGIONS.map((r) => [r, r.weight] as const));
  const place = rng.pick(region.places);
  const locale = rng.weighted(place.locales);
  const nameSet: NameSet = locale.startsWith('fr') ? 'fr' : locale.startsWith('de') ? 'de' : rng.weighted(region.names);
  const givenName = rng.pick(GIVEN_NAMES[nameSet]);
  const familyName = rng.pick(FAMILY_NAMES[nameSet]);

  // Half were customers before the two-year window opened; the rest joined during it.
  const createdAt = seconds(
    rng.chance(0.5) ? anchor - rng.between(HISTORY_DAYS + 1, HISTORY_DAYS + 900) * DAY : anchor - rng.between(4, HISTORY_DAYS) * DAY,
  );
  const activeFrom = seconds(Math.max(createdAt + HOUR, anchor - HISTORY_DAYS * DAY));
  // Some customers drift away and stop getting in touch.
  const activeUntil = rng.chance(0.15) ? seconds(activeFrom + rng.between(0.2, 0.8) * (anchor - activeFrom)) : anchor - 10 * MINUTE;

  const identifiers: IdentifierRow[] = [];
  const add = (kind: IdentifierKind, namespace: string, value: string, verified: boolean, source: string | null) =>
    identifiers.push({ kind, namespace, value, verified, source, addedAt: createdAt });

  const emails: string[] = [];
  const hasEmail = rng.chance(0.97);
  if (hasEmail) {
    emails.push(emailFor(rng, registry, givenName, familyName));
    if (rng.chance(0.15)) emails.push(emailFor(rng, registry, givenName, familyName));
  }
  const phones: string[] = [];
  if (!hasEmail || rng.chance(0.85)) {
    phones.push(phoneIn(rng, registry, place, phoneRegion));
    if (rng.chance(0.1)) phones.push(phoneIn(rng, registry, rng.pick(region.places), phoneRegion));
  }
  const emailSource = rng.pick(['shopify', 'shopify', 'zendesk', 'newsletter-signup', 'import']);
  emails.forEach((email, i) => add('EMAIL', '', email, i === 0 ? rng.chance(0.75) : rng.chance(0.3), i === 0 ? emailSource : rng.pick(['zendesk', 'gmail'])));
  phones.forEach((phone) => add('PHONE', '', phone, rng.chance(0.55), rng.pick(['shopify', 'twilio', 'zendesk'])));

  const socials: Person['socials'] = [];
  if (rng.chance(0.55)) {
    const platforms = rng.chance(0.25) ? 2 : 1;
    const chosen = new Set<string>();
    while (chosen.size < platforms) chosen.add(rng.weighted([['instagram', 45], ['facebook', 25], ['x', 15], ['tiktok', 15]] as const));
    for (const platform of chosen) {
      const handle = handleFor(rng, registry, platform, givenName, familyName, phoneRegion);
      socials.push({ platform, handle, threadId: threadIdFor(rng, platform, handle) });
    }
  }
  if (phones.length > 0 && rng.chance(region.country === 'US' || region.country === 'CA' ? 0.12 : 0.35)) {
    const handle = checkedHandle(phones[0], 'whatsapp', phoneRegion);
    if (registry.claim('social:whatsapp', handle)) socials.push({ platform: 'whatsapp', handle, threadId: handle });
  }
  for (const social of socials) add('SOCIAL', social.platform, social.handle, rng.chance(0.3), social.platform);

  if (rng.chance(0.6)) add('EXTERNAL_ID', 'shopify', registry.unique('external:shopify', () => `gid-${rng.digits(5)}`), true, 'shopify');
  if (rng.chance(0.2)) add('EXTERNAL_ID', 'hubspot', registry.unique('external:hubspot', () => rng.digits(8)), true, 'hubspot');
  if (rng.chance(0.12)) add('EXTERNAL_ID', 'salesforce', registry.unique('external:salesforce', () => `003${alphanumeric(rng, 15)}`), true, 'salesforce');

  // Stated preferences on a share of customers.
  let preferredChannel: Channel | null = null;
  let language: string | null = null;
  let contactHours: string | null = null;
  let notes: string[] = [];
  if (rng.chance(0.4)) {
    if (rng.chance(0.7)) {
      const options: [Channel, number][] = [];
      if (emails.length) options.push([Channel.EMAIL, 5]);
      if (phones.length) options.push([Channel.PHONE, 3], [Channel.SMS, 1]);
      if (socials.length) options.push([Channel.SOCIAL, 2]);
      preferredChannel = rng.weighted(options);
    }
    if (rng.chance(0.6)) language = rng.chance(0.85) ? locale.split('-')[0] : 'en';
    if (rng.chance(0.45)) contactHours = rng.pick(CONTACT_HOURS);
    if (rng.chance(0.4)) notes = rng.sample(NOTES, rng.chance(0.75) ? 1 : 2);
  }

  const consentChanges = rng.chance(0.6) ? consentHistory(rng, createdAt, anchor, emails.length > 0, phones.length > 0, socials.length > 0) : [];
  const later = new Set(consentChanges.filter((c) => c.at > createdAt).map((c) => c.at));
  return {
    id: rng.uuid(),
    givenName,
    familyName,
    displayName: `${givenName} ${familyName}`,
    locale,
    timeZone: place.timeZone,
    utcOffset: place.utcOffset,
    region,
    emails,
    phones,
    socials,
    identifiers,
    preferredChannel,
    language,
    contactHours,
    notes,
    consentChanges,
    createdAt,
    updatedAt: Math.max(createdAt, ...later),
    version: 1 + later.size,
    activeFrom,
    activeUntil,
    activity: ((activeUntil - activeFrom) / DAY) * clamp(rng.logNormal(1, 0.6), 0.25, 4),
  };
}

function consentHistory(rng: Random, createdAt: number, anchor: number, email: boolean, phone: boolean, social: boolean): ConsentChange[] {
  const changes: ConsentChange[] = [];
  const later = (after: number) => seconds(rng.between(after + HOUR, anchor - DAY));
  const channel = (ch: Channel, grantedAtSignUp: number, signUpSource: string, toggle: number, revokeSource: string, regrantSource: string) => {
    let granted = rng.chance(grantedAtSignUp);
    let at = createdAt;
    changes.push({ channel: ch, granted, source: signUpSource, at });
    for (let i = 0; i < 2 && rng.chance(toggle) && at < anchor - 2 * DAY; i++) {
      at = later(at);
      granted = !granted;
      changes.push({ channel: ch, granted, source: granted ? regrantSource : revokeSource, at });
    }
  };
  if (email) channel(Channel.EMAIL, 0.75, 'checkout', 0.25, 'unsubscribe-link', 'preference-centre');
  if (phone) channel(Channel.SMS, 0.45, 'checkout', 0.2, 'sms-stop', 'preference-centre');
  if (phone && rng.chance(0.4)) channel(Channel.PHONE, 0.8, 'agent', 0.1, 'agent', 'agent');
  if (social && rng.chance(0.25)) channel(Channel.SOCIAL, 0.7, 'preference-centre', 0.1, 'preference-centre', 'preference-centre');
  return changes.sort((a, b) => a.at - b.at);
}

/** Whether the customer had consented on `channel` at `at`; null when they never said. */
function consentAt(person: Person, channel: Channel, at: number): boolean | null {
  let state: boolean | null = null;
  for (const change of person.consentChanges) if (change.channel === channel && change.at <= at) state = change.granted;
  return state;
}

function emailFor(rng: Random, registry: Registry, given: string, family: string): string {
  const g = asciiLetters(given);
  const f = asciiLetters(family);
  return registry.unique('email', (attempt) => {
    const domain = rng.weighted([['example.com', 6], ['example.org', 2], ['example.net', 2]] as const);
    const local =
      attempt > 2
        ? `${g}.${f}${rng.int(2, 99)}`
        : rng.weighted([
            [`${g}.${f}`, 12],
            [`${g}${f}`, 2],
            [`${g[0]}.${f}`, 2],
            [`${g}_${f}`, 1],
            [`${f}.${g}`, 1],
            [`${g}${rng.int(70, 99)}`, 1],
          ] as const);
    return checkedEmail(`${local}@${domain}`);
  });
}

function phoneIn(rng: Random, registry: Registry, place: Place, phoneRegion: string): string {
  return registry.unique('phone', () => checkedPhone(place.phone(rng), phoneRegion));
}

function handleFor(rng: Random, registry: Registry, platform: string, given: string, family: string, phoneRegion: string): string {
  const g = asciiLetters(given);
  const f = asciiLetters(family);
  return registry.unique(`social:${platform}`, (attempt) => {
    let handle = rng.weighted([
      [`${g}.${f}`, 3],
      [`${g}_${f}`, 2],
      [`${g}${f}`, 2],
      [`${g}.${rng.pick(HANDLE_WORDS)}`, 2],
      [`${g}_${rng.pick(HANDLE_WORDS)}${rng.int(1, 99)}`, 1],
      [`${g[0]}${f}`, 1],
    ] as const);
    if (attempt > 2) handle += rng.int(2, 999);
    if (platform === 'x') handle = handle.replace(/\./g, '_').slice(0, 15);
    return checkedHandle(handle, platform, phoneRegion);
  });
}

function threadIdFor(rng: Random, platform: string, handle: string): string {
  switch (platform) {
    case 'instagram':
    case 'facebook':
      return `t_${rng.digits(24)}`;
    case 'x':
      return `${rng.digits(19)}-${rng.digits(19)}`;
    case 'tiktok':
      return `conv_${rng.digits(19)}`;
    default:
      return handle;
  }
}

function checkedEmail(raw: string): string {
  const email = normaliseEmail(raw);
  if (!email.ok || email.value !== raw) throw new Error(`demo data: bad e-mail ${raw}`);
  return email.value;
}

function checkedPhone(raw: string, region: string): string {
  const phone = normalisePhone(raw, region);
  if (!phone.ok || phone.value !== raw) throw new Error(`demo data: ${raw} does not pass normalisePhone`);
  return phone.value;
}

function checkedHandle(raw: string, platform: string, region: string): string {
  const handle = normaliseHandle(raw, platform, region);
  if (!handle.ok || handle.value !== raw) throw new Error(`demo data: bad ${platform} handle ${raw}`);
  return handle.value;
}



// ---------------------------------------------------------------------------------------------
// Events

interface Order {
  number: string;
  shopifyId: string;
  items: { sku: string; name: string; quantity: number; unitPrice: number }[];
  currency: string;
  placedAt: number;
}

type Mood = 'good' | 'middling' | 'bad';

/** Episode kinds and their relative frequency; sized so the event mix lands near e-mail 35%, calls 25%, social 20%, purchases 15%, surveys 5%. */
const EPISODES = { email: 0.7, call: 1.45, social: 0.53, purchase: 0.36 } as const;
/** Average events an episode of each kind produces, to plan how many episodes make a customer's share. */
const EPISODE_SIZE = { email: 2.2, call: 1.3, social: 2.3, purchase: 2.3 } as const;
type Episode = keyof typeof EPISODES;

/** Writes one customer's events between `from` and `until`; anything that would land later is dropped. */
class TimelineWriter {
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

function purchaseDetails(order: Order, status: PurchaseStatus): Record<string, unknown> {
  const total = order.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
  return {
    orderNumber: order.number,
    status,
    total: money(total, order.currency),
    items: order.items.map((item) => ({ sku: item.sku, name: item.name, quantity: item.quantity, unitPrice: money(item.unitPrice, order.currency) })),
  };
}

/** A catalogue price in the currency's minor units: pounds as listed, elsewhere converted to a .99 price. */
function priceIn(gbp: number, currency: string): number {
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

// ---------------------------------------------------------------------------------------------
// Maya Okafor's recent story

function mayasStory(maya: Person, rng: Random, registry: Registry, day: number): Draft[] {
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

// ---------------------------------------------------------------------------------------------
// Writing

async function insertCustomers(m: EntityManager, people: Person[]): Promise<void> {
  const iso = (ms: number) => new Date(ms).toISOString();
  await insertChunked(
    m,
    `INSERT INTO customer (id, display_name, given_name, family_name, locale, time_zone, preferred_channel, language, contact_hours, notes, version, created_at, updated_at)
     SELECT id, display_name, given_name, family_name, locale, time_zone, preferred_channel, language, contact_hours,
            ARRAY(SELECT jsonb_array_elements_text(notes)), version, created_at, updated_at
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[], $11::int[], $12::timestamptz[], $13::timestamptz[])
       AS c(id, display_name, given_name, family_name, locale, time_zone, preferred_channel, language, contact_hours, notes, version, created_at, updated_at)`,
    people.map((p) => [
      p.id, p.displayName, p.givenName, p.familyName, p.locale, p.timeZone, p.preferredChannel, p.language, p.contactHours,
      JSON.stringify(p.notes), p.version, iso(p.createdAt), iso(p.updatedAt),
    ]),
  );
  await insertChunked(
    m,
    `INSERT INTO customer_identifier (customer_id, kind, namespace, value, verified, source, added_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::timestamptz[])`,
    people.flatMap((p) => p.identifiers.map((i) => [p.id, i.kind, i.namespace, i.value, i.verified, i.source, iso(i.addedAt)])),
  );
  const current = people.flatMap((p) => [...new Map(p.consentChanges.map((c) => [c.channel, c])).values()].map((c) => [p.id, c.channel, c.granted, c.source, iso(c.at)]));
  await insertChunked(
    m,
    `INSERT INTO consent (customer_id, channel, granted, source, updated_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::boolean[], $4::text[], $5::timestamptz[])`,
    current,
  );
  await insertChunked(
    m,
    `INSERT INTO consent_change (customer_id, channel, granted, source, changed_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::boolean[], $4::text[], $5::timestamptz[])`,
    people.flatMap((p) => p.consentChanges.map((c) => [p.id, c.channel, c.granted, c.source, iso(c.at)])),
  );
}

const INSERT_EVENTS = `
  INSERT INTO timeline_event (customer_id, kind, channel, occurred_at, direction, summary, source, external_id, agent_id, details)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[])
  RETURNING id, external_id`;

/**
 * Stores events oldest first, so ids rise with time. Survey responses go last: their details
 * name the event they are about by its global id, which exists only once that event is stored.
 */
async function insertEvents(m: EntityManager, events: Draft[]): Promise<void> {
  const byTime = (a: Draft, b: Draft) => a.occurredAt - b.occurredAt || (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0);
  const surveys = events.filter((e) => e.kind === EventKind.SURVEY_RESPONSE).sort(byTime);
  const others = events.filter((e) => e.kind !== EventKind.SURVEY_RESPONSE).sort(byTime);
  const ids = new Map<string, string>();
  for (const rows of [others, surveys]) {
    for (const event of rows) {
      if (!event.about) continue;
      const key = ids.get(event.about.externalId);
      if (!key) throw new Error(`demo data: survey ${event.externalId} is about an event that was not stored`);
      event.details.aboutEventId = toGlobalId('TimelineEvent', key);
    }
    const stored = await insertChunked<{ id: string; external_id: string }>(
      m,
      INSERT_EVENTS,
      rows.map((e) => [
        e.customerId, e.kind, e.channel, new Date(e.occurredAt).toISOString(), e.direction,
        summarise(e.kind, e.direction, e.details), e.source, e.externalId, e.agentId, JSON.stringify(e.details),
      ]),
    );
    for (const row of stored) ids.set(row.external_id, String(row.id));
  }
}

/** Runs `sql` (which reads its columns from unnest($1..$n)) on rows, a few thousand at a time. */
async function insertChunked<Row = unknown>(m: EntityManager, sql: string, rows: unknown[][], chunk = CHUNK_ROWS): Promise<Row[]> {
  const returned: Row[] = [];
  for (let start = 0; start < rows.length; start += chunk) {
    const slice = rows.slice(start, start + chunk);
    const columns = slice[0].map((_, i) => slice.map((row) => row[i]));
    returned.push(...((await m.query(sql, columns)) as Row[]));
  }
  return returned;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** Rounds to whole seconds, so every timestamp is a whole number of milliseconds (and seconds). */
function seconds(ms: number): number {
  return Math.round(ms / SECOND) * SECOND;
}

/** money.ts's minorUnits, remembered: it builds an Intl.NumberFormat on every call. */
const MINOR_UNITS = new Map<string, number>();
function minorUnits(currency: string): number {
  let digits = MINOR_UNITS.get(currency);
  if (digits === undefined) MINOR_UNITS.set(currency, (digits = currencyMinorUnits(currency)));
  return digits;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function fill(template: string, context: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => context[key] ?? match);
}
