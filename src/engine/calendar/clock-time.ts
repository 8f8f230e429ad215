/**
 * Weekdays and clock times as working hours write them: the one list of weekday keys and the one
 * parser of `"HH:MM"`, shared by the engine and the owner file reader.
 */
import type { Weekday } from '../types.ts';

/** The weekday keys of working hours, Monday first (index 0 = Monday, as `weekdayOf` counts). */
export const WEEKDAYS: readonly Weekday[] = Object.freeze([
  'mon',
  'tue',
  'wed',
  'thu',
  'fri',
  'sat',
  'sun',
]) as readonly Weekday[];

/** Minutes in a day: the value of `"24:00"`. */
export const DAY_MINUTES = 1440;

/**
 * Minutes since local midnight of a clock time `"H:MM"` or `"HH:MM"` (00:00 to 23:59), or
 * undefined when `text` is not one. `"24:00"` (1440) is accepted only where `isEnd`: a shift may
 * end at midnight but not start there. Surrounding spaces are not allowed; trim first.
 */
export function parseClockTime(text: unknown, isEnd: boolean): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59) return undefined;
  if (h === 24 && min === 0) return isEnd ? DAY_MINUTES : undefined;
  return h <= 23 ? h * 60 + min : undefined;
}
