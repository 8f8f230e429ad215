/**
 * Business-time arithmetic: how much working time lies between two instants, and when a given
 * amount of it has elapsed, in a calendar of weekly hours, holidays and out-of-office windows in
 * one time zone. For deadlines that count only working time ("answer within 4 business hours").
 *
 * Working time is exactly what availability calls working (the compiled working hours, holidays
 * applied, the same spring-forward and fall-back rules), minus out-of-office windows, and it is
 * measured in real elapsed milliseconds: a shift 01:00–05:00 on the night clocks spring forward
 * holds three hours of business time. Pure: everything arrives as arguments.
 */
import type { EpochMs, OutOfOffice, WorkingHours } from '../types.ts';
import { absenceEnd, nextAbsenceStart } from './absences.ts';
import { weekdayOf } from './civil-dates.ts';
import { DAY_MS, MINUTE_MS, nextOffsetChange, offsetMinutes } from './time-zones.ts';
import { compileHours, coverEnd, type CompiledHours } from './working-hours.ts';

/**
 * Whose working time is counted: a time zone, weekly hours with holidays (absent: always working)
 * and out-of-office windows that pause the count. An `Owner` is one.
 */
export interface BusinessCalendar {
  /** IANA zone the working hours and holidays are read in. */
  timeZone: string;
  workingHours?: WorkingHours;
  outOfOffice?: readonly OutOfOffice[];
}

/** Longest run without working time that `addBusinessTime` looks across before giving up. */
const MAX_IDLE_MS = 366 * DAY_MS;

/** A run of working time [start, end); `end` may be Infinity. */
interface Stretch {
  start: EpochMs;
  end: EpochMs;
}

/**
 * The instant at which `durationMs` of working time has elapsed since `start`: the earliest `t`
 * with `businessTimeBetween(calendar, start, t) === durationMs`. A start outside working hours
 * waits for the next working time; a deadline that reaches the end of a shift exactly is that end.
 * Zero duration is `start` itself. Undefined when the calendar has no working time for a year
 * (no shifts at all, or holidays and absences covering a whole year).
 *
 * @throws RangeError when `durationMs` is negative or not finite.
 */
export function addBusinessTime(
  calendar: BusinessCalendar,
  start: EpochMs,
  durationMs: number,
): EpochMs | undefined {
  if (!(durationMs >= 0 && Number.isFinite(durationMs)))
    throw new RangeError(`durationMs must be a finite number ≥ 0; got ${String(durationMs)}`);
  if (durationMs === 0) return start;
  const hours = compiledHoursOf(calendar);
  let remaining = durationMs;
  let t = start;
  for (;;) {
    const stretch = nextStretch(calendar, hours, t, t + MAX_IDLE_MS);
    if (stretch === undefined) return undefined;
    const length = stretch.end - stretch.start;
    if (remaining <= length) return stretch.start + remaining;
    remaining -= length;
    t = stretch.end;
  }
}

/**
 * Working milliseconds between two instants: the part of [from, to) that is working time.
 * Negative when `to` comes before `from` (time still owed before a deadline reads positive,
 * time past it negative).
 */
export function businessTimeBetween(
  calendar: BusinessCalendar,
  from: EpochMs,
  to: EpochMs,
): number {
  if (to < from) return 0 - businessTimeBetween(calendar, to, from);
  const hours = compiledHoursOf(calendar);
  let total = 0;
  let t = from;
  while (t < to) {
    const stretch = nextStretch(calendar, hours, t, to);
    if (stretch === undefined) break;
    total += Math.min(stretch.end, to) - stretch.start;
    t = stretch.end;
  }
  return total;
}

function compiledHoursOf(calendar: BusinessCalendar): CompiledHours | undefined {
  return calendar.workingHours === undefined ? undefined : compileHours(calendar.workingHours);
}

/**
 * The run of working time that holds `from` or, failing that, comes first after it, provided it
 * starts before `limit`. A run never crosses a change of the zone's UTC offset or the start of an
 * absence (the next run picks up there), so that within it local time is the instant plus one
 * fixed offset and shift boundaries are plain arithmetic.
 */
function nextStretch(
  calendar: BusinessCalendar,
  hours: CompiledHours | undefined,
  from: EpochMs,
  limit: EpochMs,
): Stretch | undefined {
  const tz = calendar.timeZone;
  const windows = calendar.outOfOffice;
  let t = from;
  while (t < limit) {
    const away = absenceEnd(windows, t);
    if (away !== undefined) {
      t = away;
      continue;
    }
    const absence = nextAbsenceStart(windows, t);
    if (hours === undefined) return { start: t, end: absence };
    const offsetMs = offsetMinutes(tz, t) * MINUTE_MS;
    const local = t + offsetMs;
    const day = Math.floor(local / DAY_MS);
    const minute = Math.floor((local - day * DAY_MS) / MINUTE_MS);
    const end = coverEnd(hours, day, minute, true);
    if (end >= 0) {
      const shiftEnd = day * DAY_MS + end * MINUTE_MS - offsetMs;
      return { start: t, end: Math.min(shiftEnd, nextOffsetChange(tz, t, shiftEnd), absence) };
    }
    const localStart = nextLocalShiftStart(hours, local, limit + offsetMs + DAY_MS);
    if (localStart === undefined) return undefined;
    const next = localStart - offsetMs;
    // Across a change of offset the local reading above no longer holds: look again from there.
    t = Math.min(next, nextOffsetChange(tz, t, next));
  }
  return undefined;
}

/**
 * The first local shift start after local time `local` on a day that is not a holiday, no later
 * than local time `localLimit`, as local milliseconds; undefined when there is none.
 */
function nextLocalShiftStart(
  hours: CompiledHours,
  local: number,
  localLimit: number,
): number | undefined {
  const lastDay = Math.floor(localLimit / DAY_MS);
  for (let day = Math.floor(local / DAY_MS); day <= lastDay; day++) {
    if (hours.holidays.has(day)) continue;
    for (const s of hours.shifts[weekdayOf(day)]!) {
      const at = day * DAY_MS + s.start * MINUTE_MS;
      if (at > local) return at <= localLimit ? at : undefined;
    }
  }
  return undefined;
}
