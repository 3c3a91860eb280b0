const digitsByCurrency = new Map<string, number>();

/** Digits after the decimal point that a currency uses (EUR 2, JPY 0, KWD 3); remembered, as Intl is slow to ask. */
export function minorUnits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

/** A stored amount ("59.90" EUR, always with the currency's minor units) in minor units, exactly. */
export function toMinor(amount: string, currency: string): bigint {
  const digits = minorUnits(currency);
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0').slice(0, digits) || '0') * (amount.startsWith('-') ? -1n : 1n);
}

/** Minor units back to the stored form; negative amounts keep their sign. */
export function fromMinor(minor: bigint, currency: string): string {
  const digits = minorUnits(currency);
  const negative = minor < 0n;
  const absolute = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  const text = digits > 0 ? `${absolute.slice(0, -digits)}.${absolute.slice(-digits)}` : absolute;
  return negative ? `-${text}` : text;
}

/** `total / count` in minor units, rounded half away from zero. */
export function averageMinor(total: bigint, count: number): bigint {
  const n = BigInt(count);
  const half = total >= 0n ? n / 2n : -(n / 2n);
  return (total + half) / n;
}

/** A decimal from SQL ("130.00", "1000", "12.5") written with exactly the currency's minor units. */
export function exact(amount: string, currency: string): string {
  const digits = minorUnits(currency);
  const [whole, fraction = ''] = amount.split('.');
  return digits > 0 ? `${whole}.${fraction.padEnd(digits, '0').slice(0, digits)}` : whole;
}
