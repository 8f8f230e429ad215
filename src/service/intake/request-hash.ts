/** The hash an idempotency key is stored with: the same key with another body is a conflict. */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';

/** Canonical hash of a request body: same content, same hash, whatever the key order. */
export function hashRequest(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('base64url');
}
