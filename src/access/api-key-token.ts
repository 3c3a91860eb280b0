import { createHash, randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * API key secrets, after GitHub's token format: a recognisable prefix, 30 random base62
 * characters (about 178 bits), and a 6-character base62 checksum (CRC32 of what precedes it),
 * so a typo or a truncated key is told apart from an unknown one without a database lookup, and
 * secret scanners can find leaked keys by their shape. Only the SHA-256 of the whole key is stored.
 */
export const API_KEY_PREFIX = 'ctk_';
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
const SHAPE = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);

export function newApiKeySecret(): string {
  let random = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) random += ALPHABET[randomInt(ALPHABET.length)];
  return `${API_KEY_PREFIX}${random}${checksum(`${API_KEY_PREFIX}${random}`)}`;
}

/** Whether `token` has the shape and checksum of a key this server could have issued. */
export function isWellFormedApiKey(token: string): boolean {
  if (!SHAPE.test(token)) return false;
  const body = token.slice(0, token.length - CHECKSUM_LENGTH);
  return checksum(body) === token.slice(-CHECKSUM_LENGTH);
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

/** What is stored of a key, and looked up by. */
export function apiKeyHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** A short form to recognise a key by in listings: its prefix and last four characters. */
export function apiKeyHint(token: string): string {
  return `${API_KEY_PREFIX}…${token.slice(-4)}`;
}

function checksum(text: string): string {
  let value = crc32(text);
  let encoded = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    encoded = ALPHABET[value % ALPHABET.length] + encoded;
    value = Math.floor(value / ALPHABET.length);
  }
  return encoded;
}
