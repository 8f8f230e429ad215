/**
 * API tokens: `lr_live_` followed by 32 random bytes in base64url (256 bits), shown once and
 * stored only as a SHA-256 hash.
 *
 * A fast hash is right here, unlike for passwords: a slow KDF protects low-entropy secrets against
 * guessing, but no one can guess 256 random bits, so a stolen hash table gives nothing to
 * brute-force, and a fast hash lets every request be checked in microseconds. The hash is also the
 * lookup key (a unique index), so no per-token salt: the secret's own entropy does that job.
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../canonical-json.ts';

/** What every token starts with: `lr_` for leadrouter, `live_` for a production credential. */
export const TOKEN_PREFIX = 'lr_live_';
/** 32 bytes in base64url without padding. */
const TOKEN_PATTERN = /^lr_live_[A-Za-z0-9_-]{43}$/;
/** Characters of the token kept for display: the prefix and four of the secret. */
export const TOKEN_DISPLAY_LENGTH = TOKEN_PREFIX.length + 4;

/** A new token secret. */
export function generateTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Whether the text has the shape of a token (checked before any hashing or lookup). */
export function isWellFormedToken(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}

/** The stored hash of a token. */
export function hashToken(secret: string): string {
  return sha256Hex(secret);
}

/** Parses `30d`, `12h`, `90m`, `3600s` or a bare number of days into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})\s*(d|h|m|s)?$/.exec(text.trim());
  if (!match) return undefined;
  const n = Number(match[1]);
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[match[2] ?? 'd'] ?? 0;
  return n > 0 ? n * unit : undefined;
}
