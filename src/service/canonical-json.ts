/**
 * Canonical JSON: object keys in code-unit order, `undefined` members left out, values with a
 * `toJSON` (dates) as JSON.stringify would write them. Equal values give the same text, also after
 * a round trip through a jsonb column (which reorders keys), so a hash over it can be recomputed
 * from what the database returns: request bodies (idempotency) and audit entries (the chain).
 */
import { createHash } from 'node:crypto';

/** The canonical JSON text of a value; written by hand because request hashing is on the hot path. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return canonicalJson((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/** SHA-256 of UTF-8 text, hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
