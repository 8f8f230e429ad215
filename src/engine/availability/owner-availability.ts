/**
 * Is an owner available right now, in their own time zone: active, pause, out of office,
 * holidays and working hours (see calendar/working-hours.ts for how shifts and holidays read).
 *
 * This runs for every candidate of every lead, so it does no luxon DateTime work per call (see
 * calendar/time-zones.ts), and each answer comes with the interval over which it holds, which
 * `OwnerClock` memoises.
 *
 * A pause needs `paused: true`; `pausedUntil` only says when it ends. A lone `pausedUntil` with
 * `paused: false` is an already-resumed pause, so a manager's "resume" wins.
 */
import {
  absenceEnd,
  BUCKET_MS,
  coverEnd,
  DAY_MS,
  fromLocalMs,
  MINUTE_MS,
  nextAbsenceStart,
  nextShiftStart,
  nextWorkingStart,
  offsetMinutes,
  SEARCH_DAYS,
  toLocalMs,
  compileHours,
  type CompiledHours,
} from '../calendar/index.ts';
import type { EpochMs, Owner } from '../types.ts';

/** Why an owner can or cannot take a lead right now (a subset of `CandidateStatus`). */
export type AvailabilityStatus =
  'eligible' | 'inactive' | 'paused' | 'out_of_office' | 'outside_working_hours' | 'holiday';

/** The result of `checkAvailability`. */
export interface AvailabilityCheck {
  status: AvailabilityStatus;
  /** When this reason ends, if known: end of the pause or absence, or the next working time. */
  until?: EpochMs;
}

/** An availability answer and the interval [from, until) over which it holds. */
export interface TimedCheck {
  from: EpochMs;
  until: EpochMs;
  check: AvailabilityCheck;
}

const ELIGIBLE: AvailabilityCheck = Object.freeze({ status: 'eligible' });
const INACTIVE: AvailabilityCheck = Object.freeze({ status: 'inactive' });
const PAUSED: AvailabilityCheck = Object.freeze({ status: 'paused' });

function isPaused(owner: Owner, now: EpochMs): boolean {
  return owner.paused === true && (owner.pausedUntil === undefined || now < owner.pausedUntil);
}

/**
 * `checkAvailability`, with the interval from `now` over which the answer stays the same: until
 * the pause or absence ends, the shift ends or the next one starts, the next absence starts, the
 * local day turns (holidays), and never across a change of the zone's UTC offset.
 */
export function timedAvailability(
  owner: Owner,
  c: CompiledHours | undefined,
  now: EpochMs,
  workingHours: boolean,
): TimedCheck {
  if (!owner.active) return { from: now, until: Infinity, check: INACTIVE };
  if (isPaused(owner, now)) {
    const until = owner.pausedUntil;
    return until === undefined
      ? { from: now, until: Infinity, check: PAUSED }
      : { from: now, until, check: { status: 'paused', until } };
  }
  const away = absenceEnd(owner.outOfOffice, now);
  if (away !== undefined)
    return { from: now, until: away, check: { status: 'out_of_office', until: away } };
  const absence = nextAbsenceStart(owner.outOfOffice, now);
  if (!workingHours || c === undefined) return { from: now, until: absence, check: ELIGIBLE };
  const tz = owner.timeZone;
  const local = toLocalMs(tz, now);
  const day = Math.floor(local / DAY_MS);
  const minute = Math.floor((local - day * DAY_MS) / MINUTE_MS);
  const end = coverEnd(c, day, minute, true);
  let check: AvailabilityCheck;
  let until: EpochMs;
  if (end >= 0) {
    check = ELIGIBLE;
    until = fromLocalMs(tz, day * DAY_MS + end * MINUTE_MS);
  } else {
    // Also "holiday" when today is an ordinary day but the shift that would cover now started on
    // a holiday: the holiday is the reason, not the schedule.
    const spill = coverEnd(c, day, minute, false);
    const status = c.holidays.has(day) || spill >= 0 ? 'holiday' : 'outside_working_hours';
    const next = nextShiftStart(c, tz, now, now + SEARCH_DAYS * DAY_MS);
    check = next === undefined ? { status } : { status, until: next };
    // The status may change when the day turns (a holiday begins or ends) or, on an ordinary day,
    // when the holiday's overnight shift would have ended.
    until = Math.min(next ?? Infinity, fromLocalMs(tz, (day + 1) * DAY_MS));
    if (status === 'holiday' && !c.holidays.has(day))
      until = Math.min(until, fromLocalMs(tz, day * DAY_MS + spill * MINUTE_MS));
  }
  until = Math.min(until, absence);
  // Local times above assume today's offset: across a DST change, answer for this bucket only.
  if (until !== Infinity && offsetMinutes(tz, until - 1) !== offsetMinutes(tz, now))
    until = Math.min(until, (Math.floor(now / BUCKET_MS) + 1) * BUCKET_MS);
  return { from: now, until, check };
}

/**
 * Earliest instant ≥ `now` at which `checkAvailability` says eligible (same `workingHours`
 * meaning), looking at most 14 days ahead. Undefined if the owner is inactive, paused with no
 * end, or nothing is found in the horizon.
 */
export function nextAvailableAt(
  owner: Owner,
  now: EpochMs,
  workingHours: boolean,
): EpochMs | undefined {
  if (!owner.active) return undefined;
  if (isPaused(owner, now) && owner.pausedUntil === undefined) return undefined;
  const limit = now + SEARCH_DAYS * DAY_MS;
  const c =
    workingHours && owner.workingHours !== undefined ? compileHours(owner.workingHours) : undefined;
  let t = now;
  // Each obstacle pushes t forward; alternate until none applies. Bounded for safety only.
  for (let step = 0; step < 10_000 && t <= limit; step++) {
    if (isPaused(owner, t)) {
      t = owner.pausedUntil!;
      continue;
    }
    const away = absenceEnd(owner.outOfOffice, t);
    if (away !== undefined) {
      t = away;
      continue;
    }
    if (c === undefined) return t;
    const next = nextWorkingStart(c, owner.timeZone, t, limit);
    if (next === undefined) return undefined;
    if (next === t) return t;
    t = next;
  }
  return undefined;
}
