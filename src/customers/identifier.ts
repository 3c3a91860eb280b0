import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export enum IdentifierKind {
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  SOCIAL = 'SOCIAL',
  EXTERNAL_ID = 'EXTERNAL_ID',
}
registerEnumType(IdentifierKind, {
  name: 'IdentifierKind',
  description: 'EMAIL and PHONE are global; SOCIAL is scoped by platform, EXTERNAL_ID by source system (`namespace`).',
  valuesConfig: {
    EMAIL: { description: 'An e-mail address; matched trimmed and lower-cased.' },
    PHONE: { description: 'A phone number; matched in E.164, national numbers read in the server\'s default region.' },
    SOCIAL: { description: 'A handle on the social platform named by `namespace`; matched lower-cased without a leading @.' },
    EXTERNAL_ID: { description: 'A record id in the source system named by `namespace`, e.g. a Salesforce contact id; matched as given.' },
  },
});

@InputType({ description: 'A way to name a customer. Values are normalised before they are matched or stored.' })
export class IdentifierInput {
  @Field(() => IdentifierKind, { description: 'What sort of identifier `value` is.' })
  kind!: IdentifierKind;

  @Field({ description: 'E-mail address, phone number in any common format (national numbers are read in the server\'s default region), social handle (with or without @), or external id (1-200 characters).' })
  value!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Required for SOCIAL (the platform: instagram, facebook, x, whatsapp, tiktok, ...) and EXTERNAL_ID (the source system: salesforce, hubspot, shopify, ...); ignored for EMAIL and PHONE. Lower-cased; letters, digits, _ . -, at most 40 characters.',
  })
  namespace?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'In upsertCustomer: true marks the identifier verified (a system confirmed the customer controls it), false clears that; left as it is when not given. Ignored by lookups and by record* mutations.',
  })
  verified?: boolean | null;
}

@ObjectType({ description: 'A normalised identifier owned by exactly one live customer.' })
export class Identifier {
  @Field(() => IdentifierKind, { description: 'What sort of identifier `value` is.' })
  kind!: IdentifierKind;

  @Field({ description: 'Normalised value: lower-case e-mail, E.164 phone, lower-case handle without @ (E.164 for whatsapp, signal, viber), or the external id as given.' })
  value!: string;

  @Field(() => String, { nullable: true, description: 'Platform (SOCIAL) or source system (EXTERNAL_ID); null for EMAIL and PHONE.' })
  namespace!: string | null;

  @Field({ description: 'True once a system has confirmed the customer controls this identifier.' })
  verified!: boolean;

  @Field({ description: 'When the identifier was first attached to a customer.' })
  addedAt!: Date;

  @Field(() => String, { nullable: true, description: 'The system that supplied it; null when the write named none.' })
  source!: string | null;
}

/** An identifier in the form it is stored and matched in; `namespace` is '' when it has none. */
export interface NormalisedIdentifier {
  kind: IdentifierKind;
  namespace: string;
  value: string;
  /** As given in an upsert; undefined leaves the stored flag alone. */
  verified?: boolean;
}

export type Normalised<T> = { ok: true; value: T } | { ok: false; message: string };

const EMAIL_PATTERN = /^[^\s@"<>()[\],;:]+@[^\s@"<>()[\],;:]+\.[^\s@"<>()[\],;:]{2,}$/;
const NAMESPACE_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,39}$/;
const HANDLE_PATTERN = /^[^\s@/]{1,100}$/;
/** Social platforms whose ids are phone numbers. */
const PHONE_PLATFORMS = new Set(['whatsapp', 'signal', 'viber']);

export function normaliseEmail(raw: string): Normalised<string> {
  const value = raw.trim().toLowerCase();
  if (value.length === 0) return { ok: false, message: 'E-mail address is empty.' };
  if (value.length > 254 || !EMAIL_PATTERN.test(value)) return { ok: false, message: `"${truncate(raw)}" is not a valid e-mail address.` };
  return { ok: true, value };
}

/** E.164 form of a phone number; national numbers are read in `defaultRegion`. */
export function normalisePhone(raw: string, defaultRegion: string): Normalised<string> {
  const trimmed = raw.trim();
  if (trimmed.length === 0) return { ok: false, message: 'Phone number is empty.' };
  if (trimmed.length > 40) return { ok: false, message: 'Phone number is too long.' };
  // "00" is the international prefix almost everywhere; read it as "+" whatever the default region.
  const international = trimmed.replace(/^00(?=[1-9])/, '+');
  const parsed = parsePhoneNumberFromString(international, defaultRegion as CountryCode);
  if (!parsed || !parsed.isValid()) {
    return { ok: false, message: `"${truncate(raw)}" is not a valid phone number (national numbers are read as ${defaultRegion}).` };
  }
  return { ok: true, value: parsed.number };
}

export function normaliseNamespace(raw: string): Normalised<string> {
  const value = raw.trim().toLowerCase();
  if (!NAMESPACE_PATTERN.test(value)) {
    return { ok: false, message: `"${truncate(raw)}" is not a valid namespace (letters, digits, _ . -, at most 40).` };
  }
  return { ok: true, value };
}

export function normaliseHandle(raw: string, platform: string, defaultRegion: string): Normalised<string> {
  if (PHONE_PLATFORMS.has(platform)) return normalisePhone(raw, defaultRegion);
  const value = raw.trim().replace(/^@/, '').toLowerCase();
  if (!HANDLE_PATTERN.test(value)) return { ok: false, message: `"${truncate(raw)}" is not a valid ${platform} handle.` };
  return { ok: true, value };
}

export function normaliseIdentifier(input: IdentifierInput, defaultRegion: string): Normalised<NormalisedIdentifier> {
  const normalised = normaliseIdentifierValue(input, defaultRegion);
  if (normalised.ok && input.verified != null) normalised.value.verified = input.verified;
  return normalised;
}

function normaliseIdentifierValue(input: IdentifierInput, defaultRegion: string): Normalised<NormalisedIdentifier> {
  const { kind } = input;
  const raw = input.value ?? '';
  switch (kind) {
    case IdentifierKind.EMAIL: {
      const email = normaliseEmail(raw);
      return email.ok ? { ok: true, value: { kind, namespace: '', value: email.value } } : email;
    }
    case IdentifierKind.PHONE: {
      const phone = normalisePhone(raw, defaultRegion);
      return phone.ok ? { ok: true, value: { kind, namespace: '', value: phone.value } } : phone;
    }
    case IdentifierKind.SOCIAL:
    case IdentifierKind.EXTERNAL_ID: {
      if (input.namespace == null || input.namespace.trim() === '') {
        return {
          ok: false,
          message: kind === IdentifierKind.SOCIAL ? 'A SOCIAL identifier needs its platform as `namespace`.' : 'An EXTERNAL_ID needs its source system as `namespace`.',
        };
      }
      const namespace = normaliseNamespace(input.namespace);
      if (!namespace.ok) return namespace;
      if (kind === IdentifierKind.SOCIAL) {
        const handle = normaliseHandle(raw, namespace.value, defaultRegion);
        return handle.ok ? { ok: true, value: { kind, namespace: namespace.value, value: handle.value } } : handle;
      }
      const value = raw.trim();
      if (value.length === 0 || value.length > 200) return { ok: false, message: 'An external id must be 1 to 200 characters.' };
      return { ok: true, value: { kind, namespace: namespace.value, value } };
    }
    default:
      return { ok: false, message: `Unknown identifier kind ${String(kind)}.` };
  }
}

export function describeIdentifier(identifier: NormalisedIdentifier): string {
  return identifier.namespace ? `${identifier.kind} ${identifier.namespace}:${identifier.value}` : `${identifier.kind} ${identifier.value}`;
}

function truncate(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}
