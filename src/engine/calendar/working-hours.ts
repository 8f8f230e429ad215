/**
 * Weekly working hours and holidays, compiled once per schedule into minute intervals per
 * weekday, and the questions routing asks of them: does a shift cover this local minute, when
 * does it end, when does the next one start.
 *
 * Semantics worth knowing:
 * - Working-hour intervals are local wall-clock times. `["22:00", "06:00"]` on `mon` runs from
 *   Monday 22:00 to Tuesday 06:00; `"24:00"` is allowed as an end only.
 * - A shift belongs to the local day it starts on. A holiday cancels the shifts that start on it,
 *   and an overnight shift that started the evening before a holiday still runs to its end: the
 *   person is already at work, and cutting them off at midnight would strand the shift's leads.
 * - Local times that do not exist (the spring-forward gap) start at the transition instant;
 *   local times that exist twice (the fall-back fold) mean their first occurrence.
 */
import type { EpochMs, WorkingHours } from '../types.ts';
import { parseCivilDate, weekdayOf } from './civil-dates.ts';
import { DAY_MINUTES, parseClockTime, WEEKDAYS } from './clock-time.ts';
import { DAY_MS, fromLocalMs, localDayNumber, MINUTE_MS, toLocalMs } from './time-zones.ts';

/** How far `nextAvailableAt` and the `until` of working hours look ahead. */
export const SEARCH_DAYS = 14;

/** An interval in minutes from its start day's local midnight; `end` > 1440 for overnight shifts. */
export interface Interval {
  start: number;
  end: number;
}

/** Working hours compiled for fast checks. */
export interface CompiledHours {
  /** By weekday (0 = Monday): the shifts that start on that day, sorted by start. */
  shifts: ReadonlyArray<readonly Interval[]>;
  /** By weekday: minutes after midnight until which the previous day's overnight shifts run. */
  spill: readonly number[];
  /** Local day numbers of holidays. */
  holidays: ReadonlySet<number>;
  /** Last answer of `nextWorkingStart`, reusable for any query between `from` and `next`. */
  lastSearch?: { timeZone: string; from: EpochMs; next: EpochMs };
}

/** Keyed by the WorkingHours object, so owners copied with `{ ...owner, paused }` share it. */
const compiledHours = new WeakMap<WorkingHours, CompiledHours>();

/**
 * Compiles (once per WorkingHours object) a schedule that loaders have validated. Throws on a
 * malformed one: reaching here with it is a broken invariant, not input.
 */
export function compileHours(wh: WorkingHours): CompiledHours {
  const cached = compiledHours.get(wh);
  if (cached) return cached;
  const shifts: Interval[][] = WEEKDAYS.map(() => []);
  const spill = WEEKDAYS.map(() => 0);
  WEEKDAYS.forEach((day, d) => {
    for (const pair of wh.days[day] ?? []) {
      const start = parseClockTime(pair[0], false);
      const rawEnd = parseClockTime(pair[1], true);
      // Loaders run validateWorkingHours; a malformed schedule here is a broken invariant.
      if (start === undefined || rawEnd === undefined || rawEnd === start) {
        throw new Error(`invalid working hours on ${day}: ${JSON.stringify(pair)}`);
      }
      const end = rawEnd < start ? rawEnd + DAY_MINUTES : rawEnd;
      shifts[d]!.push({ start, end });
      const next = (d + 1) % 7;
      if (end > DAY_MINUTES) spill[next] = Math.max(spill[next]!, end - DAY_MINUTES);
    }
    shifts[d]!.sort((a, b) => a.start - b.start);
  });
  const holidays = new Set<number>();
  for (const h of wh.holidays ?? []) {
    const day = parseCivilDate(h);
    if (day === undefined) throw new Error(`invalid holiday date ${JSON.stringify(h)}`);
    holidays.add(day);
  }
  const compiled: CompiledHours = { shifts, spill, holidays };
  compiledHours.set(wh, compiled);
  return compiled;
}

/** Whether a shift covers local `minute` of local day `day`; `useHolidays` false ignores them. */
export function worksAt(
  c: CompiledHours,
  day: number,
  minute: number,
  useHolidays: boolean,
): boolean {
  return coverEnd(c, day, minute, useHolidays) >= 0;
}

/**
 * The end, in minutes from local midnight of `day`, of a shift covering local `minute` of that
 * day (an overnight shift from the day before ends at its spill), or −1 when none covers it.
 */
export function coverEnd(
  c: CompiledHours,
  day: number,
  minute: number,
  useHolidays: boolean,
): number {
  const wd = weekdayOf(day);
  if (minute < c.spill[wd]! && !(useHolidays && c.holidays.has(day - 1))) return c.spill[wd]!;
  if (useHolidays && c.holidays.has(day)) return -1;
  for (const s of c.shifts[wd]!) {
    if (s.start > minute) break;
    if (minute < s.end) return s.end;
  }
  return -1;
}

/** Whether a shift covers instant `at` in zone `tz` (holidays applied). */
export function worksAtInstant(c: CompiledHours, tz: string, at: EpochMs): boolean {
  const local = toLocalMs(tz, at);
  const day = Math.floor(local / DAY_MS);
  return worksAt(c, day, Math.floor((local - day * DAY_MS) / MINUTE_MS), true);
}

/**
 * Earliest instant ≥ `from` and ≤ `limit` inside working hours (holidays applied), or undefined.
 * Working time can only begin at a shift's start, so only shift starts are candidates.
 */
export function nextWorkingStart(
  c: CompiledHours,
  tz: string,
  from: EpochMs,
  limit: EpochMs,
): EpochMs | undefined {
  return worksAtInstant(c, tz, from) ? from : nextShiftStart(c, tz, from, limit);
}

/** Like `nextWorkingStart`, for a caller who knows `from` is outside working hours. */
export function nextShiftStart(
  c: CompiledHours,
  tz: string,
  from: EpochMs,
  limit: EpochMs,
): EpochMs | undefined {
  const last = c.lastSearch;
  // No working time lies in [last.from, last.next), so any query inside it has the same answer.
  if (last && last.timeZone === tz && last.from <= from && from < last.next)
    return last.next <= limit ? last.next : undefined;
  const today = localDayNumber(tz, from);
  for (let day = today; day <= today + SEARCH_DAYS + 1; day++) {
    if (c.holidays.has(day)) continue;
    for (const s of c.shifts[weekdayOf(day)]!) {
      const at = fromLocalMs(tz, day * DAY_MS + s.start * MINUTE_MS);
      if (at <= from) continue;
      if (at > limit) return undefined;
      // A shift lying wholly in a DST gap never happens; the check skips it.
      if (!worksAtInstant(c, tz, at)) continue;
      c.lastSearch = { timeZone: tz, from, next: at };
      return at;
    }
  }
  return undefined;
}
