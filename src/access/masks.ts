import { IdentifierKind } from '../core/enums';

/**
 * Personal values as a caller without PII_READ sees them: enough shape to tell values apart in
 * a list (the first letter, the domain, the last digits), never the value.
 */
const HIDDEN = '•••';

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at > 0 ? `${email[0]}${HIDDEN}${email.slice(at)}` : HIDDEN;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `•••••••${digits.slice(-4)}`;
}

export function maskHandle(handle: string): string {
  return handle.length > 0 ? `${handle[0]}${HIDDEN}` : HIDDEN;
}

export function maskExternalId(id: string): string {
  return `${HIDDEN}${id.slice(-2)}`;
}

/** "Maya Okafor" → "M••• O•••". */
export function maskName(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return words.length > 0 ? words.map((word) => `${[...word][0]}${HIDDEN}`).join(' ') : HIDDEN;
}

export function maskIdentifier(kind: IdentifierKind, value: string, namespace: string | null): string {
  switch (kind) {
    case IdentifierKind.EMAIL:
      return maskEmail(value);
    case IdentifierKind.PHONE:
      return maskPhone(value);
    case IdentifierKind.SOCIAL:
      // WhatsApp, Signal and Viber ids are phone numbers.
      return /^\+\d+$/.test(value) || ['whatsapp', 'signal', 'viber'].includes(namespace ?? '') ? maskPhone(value) : maskHandle(value);
    case IdentifierKind.EXTERNAL_ID:
      return maskExternalId(value);
  }
}
