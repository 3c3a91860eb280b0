import { Channel } from '../core/enums';
import { normaliseEmail, normaliseHandle, normalisePhone } from '../customers/identifier-normalisation';
import { CONTACT_HOURS, FAMILY_NAMES, GIVEN_NAMES, HANDLE_WORDS, NOTES, REGIONS, type NameSet, type Place } from './demo-content';
import { CUSTOMER_COUNT, HISTORY_DAYS, MAYA, type ConsentChange, type IdentifierRow, type Person } from './demo-model';
import type { Random } from './random';
import { alphanumeric, asciiLetters } from './random';
import type { Registry } from './registry';
import { DAY, HOUR, MINUTE, clamp, seconds, startOfUtcDay } from './time-helpers';

/* The demo customers: Maya Okafor, whose story the README tells, and everyone else, at random from fixed seeds. */

export function buildPeople(rng: Random, registry: Registry, anchor: number, phoneRegion: string): Person[] {
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
  const add = (kind: IdentifierRow['kind'], namespace: string, value: string, verified: boolean, source: string | null) =>
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
export function consentAt(person: Person, channel: Channel, at: number): boolean | null {
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
