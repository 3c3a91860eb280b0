/** How the console writes times, amounts and identifiers: in the agent's own locale and time zone. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? dateOnly.format(new Date(iso)) : '—';
}

export function formatMoney(money: { amount: string; currency: string }): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: money.currency }).format(Number(money.amount));
  } catch {
    return `${money.amount} ${money.currency}`;
  }
}

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds == null) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

export function formatRate(rate: number | null | undefined): string {
  return rate == null ? '—' : `${Math.round(rate * 1000) / 10} %`;
}

export function formatNumber(value: number | null | undefined, digits = 1): string {
  return value == null ? '—' : value.toLocaleString(undefined, { maximumFractionDigits: digits });
}

/** "Email", "Social message": an enum value as words. */
export function words(value: string): string {
  if (value === 'SMS' || value === 'CSAT' || value === 'NPS' || value === 'CES') return value;
  const text = value.toLowerCase().replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function identifierLabel(identifier: { kind: string; value: string; namespace?: string | null }): string {
  return identifier.namespace ? `${identifier.namespace}: ${identifier.value}` : identifier.value;
}
