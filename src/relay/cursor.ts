/**
 * Opaque cursors: a kind prefix and the position's fields joined by "|", base64url-encoded.
 * Decoding checks the prefix and every field's format, so a forged or foreign cursor is refused
 * rather than guessed at.
 */
export function encodeCursor(prefix: string, ...fields: string[]): string {
  return Buffer.from([prefix, ...fields].join('|'), 'utf8').toString('base64url');
}

/** The fields of a cursor of this kind, or null when it is not one this server issued. */
export function decodeCursor(cursor: string, prefix: string, formats: RegExp[]): string[] | null {
  if (typeof cursor !== 'string' || cursor.length > 300 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const [given, ...fields] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (given !== prefix || fields.length !== formats.length) return null;
  return fields.every((field, i) => formats[i].test(field)) ? fields : null;
}
