import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { isStorableText } from '../core/storable-text';
import { IdentifierKind } from '../core/enums';
import type { IdentifierInput } from './identifier.types';

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

const UNSTORABLE: Normalised<never> = { ok: false, message: 'The value contains characters that cannot be stored (NUL, or an unpaired UTF-16 surrogate).' };

export function normaliseEmail(raw: string): Normalised<string> {
  if (!isStorableText(raw)) return UNSTORABLE;
  const value = raw.trim().toLowerCase();
  if (value.length === 0) return { ok: false, message: 'E-mail address is empty.' };
  if (value.length > 254 || !EMAIL_PATTERN.test(value)) return { ok: false, message: `"${truncate(raw)}" is not a valid e-mail address.` };
  return { ok: true, value };
}

/** E.164 form of a phone number; national numbers are read in `defaultRegion`. */
export function normalisePhone(raw: string, defaultRegion: string): Normalised<string> {
  if (!isStorableText(raw)) return UNSTORABLE;
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
  if (!isStorableText(raw)) return UNSTORABLE;
  const value = raw.trim().toLowerCase();
  if (!NAMESPACE_PATTERN.test(value)) {
    return { ok: false, message: `"${truncate(raw)}" is not a valid namespace (letters, digits, _ . -, at most 40).` };
  }
  return { ok: true, value };
}

export function normaliseHandle(raw: string, platform: string, defaultRegion: string): Normalised<string> {
  if (!isStorableText(raw)) return UNSTORABLE;
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
      if (!isStorableText(value)) return UNSTORABLE;
      if (value.length === 0 || value.length > 200) return { ok: false, message: 'An external id must be 1 to 200 characters.' };
      return { ok: true, value: { kind, namespace: namespace.value, value } };
    }
    default:
      return { ok: false, message: `Unknown identifier kind ${String(kind)}.` };
  }
}

function truncate(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}
