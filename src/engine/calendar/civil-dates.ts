/**
 * Civil (proleptic Gregorian) dates as day numbers since 1970-01-01, and the day and week keys
 * that caps and balancing periods count by. Plain arithmetic: no Date or luxon objects.
 */
import type { EpochMs } from '../types.ts';
import { localDayNumber, MEMO_LIMIT } from './time-zones.ts';

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month, day] of a day number (H. Hinnant's civil_from_days). */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [month <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, month, day];
}

/** 0 = Monday … 6 = Sunday; 1970-01-01 was a Thursday. */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 3) % 7) + 7) % 7;
}

/** Day number of a `YYYY-MM-DD` string, or undefined when it is not a real date. */
export function parseCivilDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const days = daysFromCivil(y, mo, d);
  const [y2, mo2, d2] = civilFromDays(days);
  // 2026-02-30 would roll over into March: reject rather than guess.
  return y2 === y && mo2 === mo && d2 === d ? days : undefined;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number) => String(n).padStart(4, '0');

const dayKeyMemo = new Map<number, string>();
const weekKeyMemo = new Map<number, string>();

/** `YYYY-MM-DD` of a day number. */
export function dayKeyOf(dayNumber: number): string {
  let key = dayKeyMemo.get(dayNumber);
  if (key === undefined) {
    const [y, m, d] = civilFromDays(dayNumber);
    key = `${pad4(y)}-${pad2(m)}-${pad2(d)}`;
    if (dayKeyMemo.size >= MEMO_LIMIT) dayKeyMemo.clear();
    dayKeyMemo.set(dayNumber, key);
  }
  return key;
}

/** ISO 8601 week: weeks start on Monday and belong to the year of their Thursday. */
export function weekKeyOf(dayNumber: number): string {
  const thursday = dayNumber - weekdayOf(dayNumber) + 3;
  let key = weekKeyMemo.get(thursday);
  if (key === undefined) {
    const [year] = civilFromDays(thursday);
    const week = Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1;
    key = `${pad4(year)}-W${pad2(week)}`;
    if (weekKeyMemo.size >= MEMO_LIMIT) weekKeyMemo.clear();
    weekKeyMemo.set(thursday, key);
  }
  return key;
}

/** The local date of `now` in `timeZone`, `YYYY-MM-DD`. Throws on an unknown zone. */
export function localDayKey(timeZone: string, now: EpochMs): string {
  return dayKeyOf(localDayNumber(timeZone, now));
}

/** The ISO week of `now` in `timeZone`, `YYYY-Www` (e.g. `2026-W48`). Throws on an unknown zone. */
export function localWeekKey(timeZone: string, now: EpochMs): string {
  return weekKeyOf(localDayNumber(timeZone, now));
}
