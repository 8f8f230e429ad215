/**
 * SLA durations as a policy writes them: `30m`, `2h`, `1h30m`, and seconds (`45s`) for the wall
 * clock only (tests and demos).
 */

const DURATION = /^(?:(\d{1,4})h)?(?:(\d{1,6})m)?(?:(\d{1,7})s)?$/;

/** The message every bad duration gets, so the paths differ and the advice does not. */
export const DURATION_MESSAGE = 'expected a duration like 30m or 2h';

/** A parsed duration: milliseconds, and whether it used seconds. */
export interface ParsedDuration {
  ms: number;
  usesSeconds: boolean;
}

/** Parses `2h`, `30m`, `1h30m`, `45s`; undefined for anything else or for zero. */
export function parseSlaDuration(text: string): ParsedDuration | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) return undefined;
  const ms = Number(m[1] ?? 0) * 3_600_000 + Number(m[2] ?? 0) * 60_000 + Number(m[3] ?? 0) * 1000;
  if (ms <= 0) return undefined;
  return { ms, usesSeconds: m[3] !== undefined };
}

/** Whether text reads as a duration (the schema's check; seconds are judged with the clock). */
export function isSlaDuration(text: string): boolean {
  return parseSlaDuration(text) !== undefined;
}

/** `75%` → 0.75; undefined unless strictly between 0 and 100 %. */
export function parsePercent(text: string): number | undefined {
  const m = /^(\d{1,2}(?:\.\d+)?)\s*%$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n > 0 && n < 100 ? n / 100 : undefined;
}
