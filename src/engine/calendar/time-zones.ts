/**
 * Time zones without luxon DateTime work per call: a zone's UTC offset is memoised per 15-minute
 * bucket (every DST transition of the tz database since 1970 falls on a quarter hour), and local
 * wall-clock time is the instant shifted by that offset. The memo maps are pure caches (same
 * answer with or without them) and bounded in size.
 */
import { IANAZone } from 'luxon';
import type { EpochMs } from '../types.ts';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
/** Offsets are memoised per bucket of this length; every transition falls on its boundary. */
export const BUCKET_MS = 15 * MINUTE_MS;
/** Largest size of each memo before it is cleared. */
export const MEMO_LIMIT = 100_000;

/** Offsets of one zone by 15-minute bucket, plus the last one asked for (most calls repeat it). */
interface ZoneOffsets {
  byBucket: Map<number, number>;
  lastBucket: number;
  lastOffset: number;
}
/** zone → its offsets. Two levels so that a lookup builds no string key. */
const offsetMemo = new Map<string, ZoneOffsets>();
let offsetMemoSize = 0;
const zoneValidity = new Map<string, boolean>();

/** True when `tz` is an IANA time zone name the runtime knows (e.g. `Europe/Berlin`, `UTC`). */
export function isValidTimeZone(tz: string): boolean {
  let valid = zoneValidity.get(tz);
  if (valid === undefined) {
    valid = typeof tz === 'string' && tz.length > 0 && IANAZone.isValidZone(tz);
    if (zoneValidity.size >= MEMO_LIMIT) zoneValidity.clear();
    zoneValidity.set(tz, valid);
  }
  return valid;
}

/** UTC offset of `tz` at instant `at`, in minutes (e.g. 60 for Berlin in winter). */
export function offsetMinutes(tz: string, at: EpochMs): number {
  const bucket = Math.floor(at / BUCKET_MS);
  let zone = offsetMemo.get(tz);
  if (zone !== undefined) {
    if (zone.lastBucket === bucket) return zone.lastOffset;
    const hit = zone.byBucket.get(bucket);
    if (hit !== undefined) {
      zone.lastBucket = bucket;
      zone.lastOffset = hit;
      return hit;
    }
  }
  const iana = IANAZone.create(tz);
  // Loaders validate time zones; reaching here with a bad one is a broken invariant, not input.
  if (!iana.isValid) throw new Error(`unknown time zone ${JSON.stringify(tz)}`);
  const offset = iana.offset(bucket * BUCKET_MS);
  if (!Number.isFinite(offset)) throw new Error(`cannot compute the UTC offset of ${tz} at ${at}`);
  if (offsetMemoSize >= MEMO_LIMIT) {
    offsetMemo.clear();
    offsetMemoSize = 0;
    zone = undefined;
  }
  if (zone === undefined) {
    zone = { byBucket: new Map(), lastBucket: bucket, lastOffset: offset };
    offsetMemo.set(tz, zone);
  }
  zone.byBucket.set(bucket, offset);
  zone.lastBucket = bucket;
  zone.lastOffset = offset;
  offsetMemoSize++;
  return offset;
}

/** The instant as local wall-clock milliseconds ("epoch ms as if the zone were UTC"). */
export function toLocalMs(tz: string, at: EpochMs): number {
  return at + offsetMinutes(tz, at) * MINUTE_MS;
}

/**
 * The instant at which the local wall clock of `tz` reads `localMs`. In a spring-forward gap the
 * wall time never occurs, so it is the transition instant (the first moment the clock reads later
 * than it); in a fall-back fold it is the first of the two occurrences.
 */
export function fromLocalMs(tz: string, localMs: number): EpochMs {
  // No zone changes offset twice within two days, so the offsets a day either side are the only
  // two candidates.
  const before = offsetMinutes(tz, localMs - DAY_MS);
  const after = offsetMinutes(tz, localMs + DAY_MS);
  const uBefore = localMs - before * MINUTE_MS;
  if (before === after) return uBefore;
  const uAfter = localMs - after * MINUTE_MS;
  const beforeFits = offsetMinutes(tz, uBefore) === before;
  const afterFits = offsetMinutes(tz, uAfter) === after;
  if (beforeFits && afterFits) return Math.min(uBefore, uAfter);
  if (beforeFits) return uBefore;
  if (afterFits) return uAfter;
  // A gap: the transition lies between the two guesses, on a 15-minute boundary.
  const lo = Math.min(uBefore, uAfter);
  const hi = Math.max(uBefore, uAfter);
  for (let b = Math.ceil(lo / BUCKET_MS) * BUCKET_MS; b <= hi; b += BUCKET_MS) {
    if (offsetMinutes(tz, b) === after) return b;
  }
  return hi;
}

/** Days since 1970-01-01 of the local date of `now` in `tz`. */
export function localDayNumber(tz: string, now: EpochMs): number {
  return Math.floor(toLocalMs(tz, now) / DAY_MS);
}

/**
 * The first instant in (`from`, `until`] at which the UTC offset of `tz` differs from the one at
 * `from`, or Infinity when it stays the same throughout. Steps a day at a time (no zone changes
 * offset twice within a day, so equal offsets a day apart mean none in between), then narrows the
 * changing day down to its 15-minute bucket.
 */
export function nextOffsetChange(tz: string, from: EpochMs, until: EpochMs): EpochMs {
  const offset = offsetMinutes(tz, from);
  let lo = from;
  for (;;) {
    const hi = Math.min(lo + DAY_MS, until);
    if (offsetMinutes(tz, hi) !== offset) {
      // The change lies on a bucket boundary in (lo, hi]: the first bucket whose offset differs.
      let a = Math.floor(lo / BUCKET_MS) + 1;
      let b = Math.floor(hi / BUCKET_MS);
      while (a < b) {
        const mid = Math.floor((a + b) / 2);
        if (offsetMinutes(tz, mid * BUCKET_MS) !== offset) b = mid;
        else a = mid + 1;
      }
      return Math.max(a * BUCKET_MS, lo + 1);
    }
    if (hi >= until) return Infinity;
    lo = hi;
  }
}
