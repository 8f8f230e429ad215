/**
 * Identifiers for leads and decisions: UUID version 7 (RFC 9562), time-ordered, so that newer
 * rows sort after older ones and list pagination can walk the primary key. Generated in the
 * application so a batch can insert leads and their decisions without reading ids back.
 */
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(16 * 256);
let poolOffset = pool.length;
let lastMs = 0;
let sequence = 0;

/** A new UUIDv7; strictly increasing within this process. */
export function createId(now = Date.now()): string {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  // Within one millisecond, a 12-bit counter in rand_a keeps ids from this process increasing
  // (RFC 9562 §6.2, method 1); the clock is never allowed to run backwards.
  let ms = Math.max(now, lastMs);
  if (ms === lastMs) {
    sequence++;
    if (sequence > 0xfff) {
      ms++;
      sequence = 0;
    }
  } else {
    sequence = bytes[6]! & 0x07;
  }
  lastMs = ms;
  const hex = ms.toString(16).padStart(12, '0');
  const randA = (0x7000 | sequence).toString(16);
  const variant = ((bytes[8]! & 0x3f) | 0x80).toString(16);
  const rest = bytes.toString('hex', 9, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${randA}-${variant}${rest.slice(0, 2)}-${rest.slice(2, 14)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether the text is a UUID (any version): ids from the API are checked before any query. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * The smallest UUIDv7 of the millisecond `ms`: `id >= idFloor(t)` selects rows created at or
 * after t, since ids carry their creation time.
 */
export function idFloor(ms: number): string {
  const hex = Math.max(0, Math.min(ms, 0xffffffffffff)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}
