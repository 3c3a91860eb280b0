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
 * storable text, or null when every string is.
 */
export function findUnstorableText(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, inner] of Object.entries(value)) {
      const found = findUnstorableText(inner, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}
