/** Out-of-office windows: absolute, half-open intervals that pause availability and business time. */
import type { EpochMs, OutOfOffice } from '../types.ts';

/**
 * End of the absence covering `now`, or undefined when none does. Windows that overlap or touch
 * are one absence: a week off followed by a conference is away until the conference ends.
 */
export function absenceEnd(
  windows: readonly OutOfOffice[] | undefined,
  now: EpochMs,
): EpochMs | undefined {
  if (windows === undefined || windows.length === 0) return undefined;
  let end: EpochMs | undefined;
  for (const w of windows) {
    if (w.from <= now && now < w.until && (end === undefined || w.until > end)) end = w.until;
  }
  if (end === undefined) return undefined;
  // Lists are short (a handful of windows), so a fixed-point loop beats sorting.
  for (let grew = true; grew;) {
    grew = false;
    for (const w of windows) {
      if (w.from <= end && w.until > end) {
        end = w.until;
        grew = true;
      }
    }
  }
  return end;
}

/** Start of the first out-of-office window after `now`, or Infinity. */
export function nextAbsenceStart(
  windows: readonly OutOfOffice[] | undefined,
  now: EpochMs,
): EpochMs {
  let next = Infinity;
  if (windows !== undefined)
    for (const w of windows) if (w.from > now && w.from < next) next = w.from;
  return next;
}
