import type { Channel, Direction, EventKind } from '../core/enums';
import type { IdentifierKind } from '../core/enums';
import type { Region } from './demo-content';

/* The demo data set as it is built in memory, before it is written. */

/** How big the data set is: customers, events, and the days of history they span. */
export const CUSTOMER_COUNT = 300;
export const EVENT_COUNT = 30_000;
export const HISTORY_DAYS = 730;

export interface IdentifierRow {
  kind: `${IdentifierKind}`;
  namespace: string;
  value: string;
  verified: boolean;
  source: string | null;
  addedAt: number;
}

export interface ConsentChange {
  channel: Channel;
  granted: boolean;
  source: string;
  at: number;
}

export interface Person {
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

export interface Draft {
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

export interface DemoData {
  people: Person[];
  events: Draft[];
}


export interface Order {
  number: string;
  shopifyId: string;
  items: { sku: string; name: string; quantity: number; unitPrice: number }[];
  currency: string;
  placedAt: number;
}

export type Mood = 'good' | 'middling' | 'bad';

export const MAYA = {
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
