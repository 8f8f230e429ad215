import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { localDayKey, localWeekKey, parseCivilDate, weekdayOf } from './civil-dates.ts';
import { isValidTimeZone } from './time-zones.ts';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);

const ZONES = [
  'UTC',
  'America/New_York',
  'America/St_Johns',
  'America/Sao_Paulo',
  'Europe/Berlin',
  'Europe/London',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
] as const;

describe('local day and week keys', () => {
  it('names the local date and ISO week, including week-year boundaries', () => {
    expect(localDayKey('UTC', utc(2026, 11, 24, 12))).toBe('2026-11-24');
    expect(localWeekKey('UTC', utc(2026, 11, 24, 12))).toBe('2026-W48');
    expect(localWeekKey('UTC', utc(2027, 1, 1))).toBe('2026-W53');
    expect(localWeekKey('UTC', utc(2024, 12, 30))).toBe('2025-W01');
    expect(localDayKey('Pacific/Kiritimati', utc(2026, 12, 31, 10))).toBe('2027-01-01');
    expect(localDayKey('Pacific/Pago_Pago', utc(2027, 1, 1, 10))).toBe('2026-12-31');
  });

  it('validates time zones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Europe/Berlinn')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});
describe('civil dates', () => {
  it('reads real dates only and counts weekdays from Monday', () => {
    expect(parseCivilDate('1970-01-01')).toBe(0);
    expect(weekdayOf(0)).toBe(3);
    expect(weekdayOf(parseCivilDate('2026-03-09')!)).toBe(0);
    expect(parseCivilDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29) / 86_400_000);
    expect(parseCivilDate('2026-02-29')).toBeUndefined();
    expect(parseCivilDate('2026-13-01')).toBeUndefined();
    expect(parseCivilDate('2026-3-1')).toBeUndefined();
  });
});

describe('local dates (luxon as the oracle)', () => {
  it('agrees with luxon on local dates and ISO weeks', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES, 'Pacific/Kiritimati', 'Pacific/Pago_Pago'),
        fc.integer({ min: utc(1990, 1, 1), max: utc(2060, 1, 1) }),
        (zone, t) => {
          const dt = DateTime.fromMillis(t, { zone });
          expect(localDayKey(zone, t)).toBe(dt.toISODate());
          expect(localWeekKey(zone, t)).toBe(dt.toFormat("kkkk-'W'WW"));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
