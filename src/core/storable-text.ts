/**
 * Text PostgreSQL can store as given. A NUL character is refused by every text and jsonb column;
 * a lone UTF-16 surrogate (half of an emoji, say) cannot be encoded as UTF-8, so the driver
 * would silently store U+FFFD in its place, and two different values could become one. Both are
 * refused at the edge instead, with the field named.
 */
export function isStorableText(value: string): boolean {
  return value.isWellFormed() && !value.includes('\u0000');
}

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

/**
 * The path of the first string inside `value` (walking arrays and plain objects) that is not
 * storable text, or null when every string is. Every statement's parameters pass through here
 * (a recording of 1,000 events, arrays of thousands of values): the path is one array, grown
 * and shrunk on the way down, not a copy per value.
 */
export function findUnstorableText(value: unknown): (string | number)[] | null {
  const path: (string | number)[] = [];
  return unstorableAt(value, path) ? path : null;
}

function unstorableAt(value: unknown, path: (string | number)[]): boolean {
  if (typeof value === 'string') return !isStorableText(value);
  if (value === null || typeof value !== 'object' || value instanceof Date) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      if (unstorableAt(value[i], path)) return true;
      path.pop();
    }
    return false;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    path.push(key);
    if (unstorableAt((value as Record<string, unknown>)[key], path)) return true;
    path.pop();
  }
  return false;
}
