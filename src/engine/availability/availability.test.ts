import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { localDayKey, localWeekKey } from '../calendar/index.ts';
import { compilePolicyOrThrow } from '../compile.ts';
import { routeLead } from '../route.ts';
import { applyStateChanges, createRoutingState } from '../routing-state/index.ts';
import type { Owner, Weekday, WorkingHours } from '../types.ts';
import { checkAvailability, checkCaps, nextAvailableAt, OwnerClock } from './index.ts';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Days = WorkingHours['days'];
const weekdays = (from: string, to: string): Days => ({
  mon: [[from, to]],
  tue: [[from, to]],
  wed: [[from, to]],
  thu: [[from, to]],
  fri: [[from, to]],
});
const everyDay = (from: string, to: string): Days => ({
  ...weekdays(from, to),
  sat: [[from, to]],
  sun: [[from, to]],
});

function owner(timeZone: string, extra: Partial<Owner> = {}): Owner {
  return { id: 'o', name: 'O', timeZone, active: true, ...extra };
}
const worker = (timeZone: string, days: Days, holidays?: string[], extra: Partial<Owner> = {}) =>
  owner(timeZone, { workingHours: holidays ? { days, holidays } : { days }, ...extra });

describe('checkAvailability', () => {
  it('reports an inactive owner first, whatever else applies', () => {
    const o = owner('UTC', {
      active: false,
      paused: true,
      outOfOffice: [{ from: 0, until: utc(2030, 1, 1) }],
    });
    expect(checkAvailability(o, utc(2026, 11, 23, 10), true)).toEqual({ status: 'inactive' });
  });

  it('reports a paused owner, with the end of the pause when one is set', () => {
    const now = utc(2026, 11, 23, 10);
    expect(checkAvailability(owner('UTC', { paused: true }), now, true)).toEqual({
      status: 'paused',
    });
    expect(
      checkAvailability(owner('UTC', { paused: true, pausedUntil: now + HOUR }), now, true),
    ).toEqual({ status: 'paused', until: now + HOUR });
    expect(
      checkAvailability(owner('UTC', { paused: true, pausedUntil: now }), now, true).status,
    ).toBe('eligible');
  });

  it('treats a pausedUntil without paused: true as an already resumed pause', () => {
    const now = utc(2026, 11, 23, 10);
    expect(
      checkAvailability(owner('UTC', { paused: false, pausedUntil: now + HOUR }), now, true).status,
    ).toBe('eligible');
  });

  it('skips an owner who is out of office until 14:00 in their own time zone', () => {
    // Berlin is UTC+1 in November: 08:00–14:00 local is 07:00–13:00 UTC.
    const o = owner('Europe/Berlin', {
      outOfOffice: [
        { from: utc(2026, 11, 23, 7), until: utc(2026, 11, 23, 13), reason: 'dentist' },
      ],
    });
    expect(checkAvailability(o, utc(2026, 11, 23, 9), true)).toEqual({
      status: 'out_of_office',
      until: utc(2026, 11, 23, 13),
    });
    expect(checkAvailability(o, utc(2026, 11, 23, 13) - 1, true).status).toBe('out_of_office');
    expect(checkAvailability(o, utc(2026, 11, 23, 13), true).status).toBe('eligible');
    expect(checkAvailability(o, utc(2026, 11, 23, 7) - 1, true).status).toBe('eligible');
  });

  it('keeps an owner out of office across midnight until the window ends at 02:00 local', () => {
    // Kolkata is UTC+05:30: 22:00 → 02:00 IST is 16:30 → 20:30 UTC.
    const o = owner('Asia/Kolkata', {
      outOfOffice: [{ from: utc(2026, 11, 23, 16, 30), until: utc(2026, 11, 23, 20, 30) }],
    });
    expect(checkAvailability(o, utc(2026, 11, 23, 18), true)).toEqual({
      status: 'out_of_office',
      until: utc(2026, 11, 23, 20, 30),
    });
    expect(checkAvailability(o, utc(2026, 11, 23, 20, 29), true).status).toBe('out_of_office');
    expect(checkAvailability(o, utc(2026, 11, 23, 20, 30), true).status).toBe('eligible');
  });

  it('merges adjacent and overlapping absences into one when saying until when', () => {
    const o = owner('UTC', {
      outOfOffice: [
        { from: utc(2026, 11, 23), until: utc(2026, 11, 26) },
        { from: utc(2026, 11, 30), until: utc(2026, 12, 2) }, // separate: starts after a gap
        { from: utc(2026, 11, 26), until: utc(2026, 11, 27, 12) }, // adjacent
        { from: utc(2026, 11, 27), until: utc(2026, 11, 28) }, // overlapping the previous one
      ],
    });
    expect(checkAvailability(o, utc(2026, 11, 24), true)).toEqual({
      status: 'out_of_office',
      until: utc(2026, 11, 28),
    });
    expect(checkAvailability(o, utc(2026, 11, 29), true).status).toBe('eligible');
  });

  it('checks out of office even when working hours are ignored', () => {
    const o = worker('UTC', weekdays('09:00', '17:00'), [], {
      outOfOffice: [{ from: 0, until: utc(2026, 12, 1) }],
    });
    expect(checkAvailability(o, utc(2026, 11, 23, 3), false).status).toBe('out_of_office');
  });

  it('treats an owner without working hours as always working', () => {
    expect(checkAvailability(owner('Asia/Tokyo'), utc(2026, 11, 29, 3), true).status).toBe(
      'eligible',
    );
  });

  it('ignores working hours and holidays in any_active mode', () => {
    const o = worker('Europe/Berlin', weekdays('09:00', '17:00'), ['2026-11-23']);
    expect(checkAvailability(o, utc(2026, 11, 23, 10), true).status).toBe('holiday');
    expect(checkAvailability(o, utc(2026, 11, 22, 3), false).status).toBe('eligible');
    expect(checkAvailability(o, utc(2026, 11, 23, 10), false).status).toBe('eligible');
  });

  it('reads working hours in the owner time zone and says when the next shift starts', () => {
    const o = worker('Asia/Kolkata', weekdays('09:00', '17:30'));
    // Monday 09:00 IST is 03:30 UTC; 17:30 IST is 12:00 UTC.
    expect(checkAvailability(o, utc(2026, 11, 23, 3, 29), true)).toEqual({
      status: 'outside_working_hours',
      until: utc(2026, 11, 23, 3, 30),
    });
    expect(checkAvailability(o, utc(2026, 11, 23, 3, 30), true).status).toBe('eligible');
    expect(checkAvailability(o, utc(2026, 11, 23, 12) - 1, true).status).toBe('eligible');
    expect(checkAvailability(o, utc(2026, 11, 23, 12), true)).toEqual({
      status: 'outside_working_hours',
      until: utc(2026, 11, 24, 3, 30),
    });
  });

  it('runs an overnight shift from 22:00 into the next morning', () => {
    const o = worker('Europe/London', { mon: [['22:00', '06:00']], sun: [['23:00', '01:00']] });
    // November: London is on UTC. Monday 23 Nov 2026.
    expect(checkAvailability(o, utc(2026, 11, 23, 21, 59), true).status).toBe(
      'outside_working_hours',
    );
    expect(checkAvailability(o, utc(2026, 11, 23, 22), true).status).toBe('eligible');
    expect(checkAvailability(o, utc(2026, 11, 24, 5, 59), true).status).toBe('eligible');
    // Tuesday 06:00: next shift is Sunday 23:00.
    expect(checkAvailability(o, utc(2026, 11, 24, 6), true)).toEqual({
      status: 'outside_working_hours',
      until: utc(2026, 11, 29, 23),
    });
    // Sunday's overnight shift wraps into Monday.
    expect(checkAvailability(o, utc(2026, 11, 30, 0, 30), true).status).toBe('eligible');
    expect(checkAvailability(o, utc(2026, 11, 30, 1), true).status).toBe('outside_working_hours');
  });

  it('accepts 24:00 as the end of a shift and joins it with the next day', () => {
    const o = worker('UTC', { mon: [['18:00', '24:00']], tue: [['00:00', '02:00']] });
    expect(checkAvailability(o, utc(2026, 11, 23, 23, 59), true).status).toBe('eligible');
    expect(checkAvailability(o, utc(2026, 11, 24, 0), true).status).toBe('eligible');
    expect(checkAvailability(o, utc(2026, 11, 24, 2), true).status).toBe('outside_working_hours');
  });

  it('supports split days with a lunch break', () => {
    const o = worker('Europe/Berlin', {
      mon: [
        ['13:00', '17:00'],
        ['08:00', '12:00'],
      ],
    });
    expect(checkAvailability(o, utc(2026, 11, 23, 11, 30), true)).toEqual({
      status: 'outside_working_hours',
      until: utc(2026, 11, 23, 12),
    });
    expect(checkAvailability(o, utc(2026, 11, 23, 12), true).status).toBe('eligible');
  });

  describe('daylight-saving changes in the owner zone', () => {
    it('keeps 09:00–17:00 local in New York across the spring switch of 8 March 2026', () => {
      const o = worker('America/New_York', everyDay('09:00', '17:00'));
      // Saturday: EST (UTC−5), 09:00 = 14:00 UTC. Sunday after 02:00: EDT (UTC−4), 09:00 = 13:00 UTC.
      expect(checkAvailability(o, utc(2026, 3, 7, 13, 59), true).status).toBe(
        'outside_working_hours',
      );
      expect(checkAvailability(o, utc(2026, 3, 7, 14), true).status).toBe('eligible');
      expect(checkAvailability(o, utc(2026, 3, 7, 22), true)).toEqual({
        status: 'outside_working_hours',
        until: utc(2026, 3, 8, 13),
      });
      expect(checkAvailability(o, utc(2026, 3, 8, 13), true).status).toBe('eligible');
      expect(checkAvailability(o, utc(2026, 3, 8, 21) - 1, true).status).toBe('eligible');
      expect(checkAvailability(o, utc(2026, 3, 8, 21), true).status).toBe('outside_working_hours');
    });

    it('keeps 09:00–17:00 local in New York across the autumn switch of 1 November 2026', () => {
      const o = worker('America/New_York', everyDay('09:00', '17:00'));
      // Saturday: EDT, 09:00 = 13:00 UTC. Sunday: EST, 09:00 = 14:00 UTC.
      expect(checkAvailability(o, utc(2026, 10, 31, 13), true).status).toBe('eligible');
      expect(nextAvailableAt(o, utc(2026, 10, 31, 22), true)).toBe(utc(2026, 11, 1, 14));
      expect(checkAvailability(o, utc(2026, 11, 1, 13, 30), true).status).toBe(
        'outside_working_hours',
      );
      expect(checkAvailability(o, utc(2026, 11, 1, 22) - 1, true).status).toBe('eligible');
      expect(checkAvailability(o, utc(2026, 11, 1, 22), true).status).toBe('outside_working_hours');
    });

    it('keeps 09:00–17:00 local in Berlin across the switch of 29 March 2026', () => {
      const o = worker('Europe/Berlin', everyDay('09:00', '17:00'));
      // Saturday: CET (UTC+1), 09:00 = 08:00 UTC. Sunday: CEST (UTC+2), 09:00 = 07:00 UTC.
      expect(checkAvailability(o, utc(2026, 3, 28, 8), true).status).toBe('eligible');
      expect(checkAvailability(o, utc(2026, 3, 28, 16), true)).toEqual({
        status: 'outside_working_hours',
        until: utc(2026, 3, 29, 7),
      });
      expect(checkAvailability(o, utc(2026, 3, 29, 7), true).status).toBe('eligible');
      expect(checkAvailability(o, utc(2026, 3, 29, 15), true).status).toBe('outside_working_hours');
    });

    it('follows the 30-minute switch of Lord Howe Island on 4 October 2026', () => {
      const o = worker('Australia/Lord_Howe', weekdays('09:00', '17:00'));
      // Friday: UTC+10:30, 09:00 = 22:30 UTC the day before. Monday: UTC+11, 09:00 = 22:00 UTC.
      expect(checkAvailability(o, utc(2026, 10, 1, 22, 29), true).status).toBe(
        'outside_working_hours',
      );
      expect(checkAvailability(o, utc(2026, 10, 1, 22, 30), true).status).toBe('eligible');
      expect(checkAvailability(o, utc(2026, 10, 2, 7), true)).toEqual({
        status: 'outside_working_hours',
        until: utc(2026, 10, 4, 22),
      });
      expect(checkAvailability(o, utc(2026, 10, 4, 22), true).status).toBe('eligible');
    });

    it('starts a shift that begins inside the spring-forward gap at the switch itself', () => {
      // 02:30 does not exist in New York on 8 March 2026: the clock jumps from 02:00 to 03:00 at 07:00 UTC.
      const o = worker('America/New_York', { sun: [['02:30', '04:00']] });
      expect(nextAvailableAt(o, utc(2026, 3, 8, 4), true)).toBe(utc(2026, 3, 8, 7));
      expect(checkAvailability(o, utc(2026, 3, 8, 7), true).status).toBe('eligible');
      expect(checkAvailability(o, utc(2026, 3, 8, 8), true).status).toBe('outside_working_hours');
    });

    it('starts a shift that begins in the repeated autumn hour at its first occurrence', () => {
      // 01:30 happens twice in New York on 1 November 2026: 05:30 UTC (EDT) and 06:30 UTC (EST).
      const o = worker('America/New_York', { sun: [['01:30', '03:00']] });
      expect(nextAvailableAt(o, utc(2026, 11, 1, 0), true)).toBe(utc(2026, 11, 1, 5, 30));
    });

    it('leaves the shift when the clock falls back before its start, even after asking inside it', () => {
      // 01:45 EDT is inside 01:15–03:00; an hour later the clock reads 01:05 EST, before it.
      const o = worker('America/New_York', { sun: [['01:15', '03:00']] });
      const clock = new OwnerClock(o);
      expect(clock.availability(utc(2026, 11, 1, 5, 45), true).status).toBe('eligible');
      const later = clock.availability(utc(2026, 11, 1, 6, 5), true);
      expect(later.status).toBe('outside_working_hours');
      expect(later).toEqual(new OwnerClock(o).availability(utc(2026, 11, 1, 6, 5), true));
    });
  });

  describe('holidays', () => {
    const berlin = worker('Europe/Berlin', weekdays('09:00', '17:00'), ['2026-12-25']);

    it('reports a holiday for the whole local day, until the next working time', () => {
      // Friday 25 Dec is the holiday; next working time is Monday 28 Dec 09:00 CET = 08:00 UTC.
      expect(checkAvailability(berlin, utc(2026, 12, 25, 10), true)).toEqual({
        status: 'holiday',
        until: utc(2026, 12, 28, 8),
      });
      expect(checkAvailability(berlin, utc(2026, 12, 25, 22), true).status).toBe('holiday');
      expect(checkAvailability(berlin, utc(2026, 12, 24, 10), true).status).toBe('eligible');
      expect(checkAvailability(berlin, utc(2026, 12, 25, 23), true).status).toBe(
        'outside_working_hours',
      ); // Saturday, local
    });

    it('lets an overnight shift that started the evening before a holiday run to its end', () => {
      const night = worker('UTC', everyDay('22:00', '06:00'), ['2026-12-25']);
      expect(checkAvailability(night, utc(2026, 12, 25, 3), true).status).toBe('eligible');
      expect(checkAvailability(night, utc(2026, 12, 25, 6), true)).toEqual({
        status: 'holiday',
        until: utc(2026, 12, 26, 22),
      });
      // The shift that would start on the holiday does not run, not even past midnight.
      expect(checkAvailability(night, utc(2026, 12, 25, 23), true).status).toBe('holiday');
      expect(checkAvailability(night, utc(2026, 12, 26, 3), true)).toEqual({
        status: 'holiday',
        until: utc(2026, 12, 26, 22),
      });
      expect(checkAvailability(night, utc(2026, 12, 26, 22), true).status).toBe('eligible');
    });

    it('puts out of office before holiday', () => {
      const away = {
        ...berlin,
        outOfOffice: [{ from: utc(2026, 12, 20), until: utc(2027, 1, 4) }],
      };
      expect(checkAvailability(away, utc(2026, 12, 25, 10), true).status).toBe('out_of_office');
    });
  });

  it('throws on an unknown time zone, which loaders must have rejected', () => {
    expect(() =>
      checkAvailability(
        worker('Mars/Olympus_Mons', weekdays('09:00', '17:00')),
        utc(2026, 11, 23),
        true,
      ),
    ).toThrow(/unknown time zone/);
  });
});

describe('nextAvailableAt', () => {
  const berlin = worker('Europe/Berlin', weekdays('09:00', '17:00'));

  it('returns now when the owner is available now', () => {
    expect(nextAvailableAt(berlin, utc(2026, 11, 23, 10), true)).toBe(utc(2026, 11, 23, 10));
  });

  it('finds Monday 09:00 local for a lead on Friday evening, over the weekend', () => {
    // Friday 27 Nov 2026 17:30 CET → Monday 30 Nov 09:00 CET = 08:00 UTC.
    expect(nextAvailableAt(berlin, utc(2026, 11, 27, 16, 30), true)).toBe(utc(2026, 11, 30, 8));
  });

  it('ignores the weekend in any_active mode', () => {
    expect(nextAvailableAt(berlin, utc(2026, 11, 28, 12), false)).toBe(utc(2026, 11, 28, 12));
  });

  it('waits for an absence to end and then for working hours', () => {
    const o = {
      ...berlin,
      outOfOffice: [{ from: utc(2026, 11, 23, 11), until: utc(2026, 11, 23, 13) }],
    };
    // Partial day: back at 14:00 local, inside working hours.
    expect(nextAvailableAt(o, utc(2026, 11, 23, 11, 30), true)).toBe(utc(2026, 11, 23, 13));
    // Away until 07:00 local the next morning: available at 09:00 local.
    const overnight = {
      ...berlin,
      outOfOffice: [{ from: utc(2026, 11, 23, 14), until: utc(2026, 11, 24, 6) }],
    };
    expect(nextAvailableAt(overnight, utc(2026, 11, 23, 15), true)).toBe(utc(2026, 11, 24, 8));
  });

  it('chains a pause, an absence that starts later and working hours', () => {
    const o = {
      ...berlin,
      paused: true,
      pausedUntil: utc(2026, 11, 27, 15),
      outOfOffice: [{ from: utc(2026, 11, 30, 7), until: utc(2026, 11, 30, 10) }],
    };
    // Pause ends Friday 16:00 local (in hours). Seen from Friday 17:00 local: Monday, after the absence.
    expect(nextAvailableAt(o, utc(2026, 11, 27, 12), true)).toBe(utc(2026, 11, 27, 15));
    expect(nextAvailableAt(o, utc(2026, 11, 27, 16), true)).toBe(utc(2026, 11, 30, 10));
  });

  it('gives up for an inactive owner, an open-ended pause, no working day or beyond 14 days', () => {
    const now = utc(2026, 11, 23, 10);
    expect(nextAvailableAt({ ...berlin, active: false }, now, true)).toBeUndefined();
    expect(nextAvailableAt({ ...berlin, paused: true }, now, true)).toBeUndefined();
    expect(nextAvailableAt(worker('UTC', {}), now, true)).toBeUndefined();
    expect(
      nextAvailableAt(
        { ...berlin, outOfOffice: [{ from: now, until: now + 15 * DAY }] },
        now,
        true,
      ),
    ).toBeUndefined();
    // Works Mondays only; seen from Tuesday 24 Nov the horizon ends Tuesday 8 Dec 10:00 UTC.
    const mondays = worker('Europe/Berlin', { mon: [['09:00', '17:00']] });
    const tue = utc(2026, 11, 24, 10);
    expect(
      nextAvailableAt(
        { ...mondays, outOfOffice: [{ from: tue, until: utc(2026, 12, 7, 9) }] },
        tue,
        true,
      ),
    ).toBe(utc(2026, 12, 7, 9));
    expect(
      nextAvailableAt(
        { ...mondays, outOfOffice: [{ from: tue, until: utc(2026, 12, 7, 17) }] },
        tue,
        true,
      ),
    ).toBeUndefined();
    expect(
      nextAvailableAt(
        { ...mondays, outOfOffice: [{ from: tue, until: utc(2026, 12, 7, 17) }] },
        tue,
        false,
      ),
    ).toBe(utc(2026, 12, 7, 17));
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests against an independent oracle: luxon DateTimes, slow but obviously right.
// ---------------------------------------------------------------------------------------------

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
const DAY_NAMES: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const QUARTER = 15 * 60_000;

const clock = (quarters: number) =>
  `${String(Math.floor(quarters / 4)).padStart(2, '0')}:${String((quarters % 4) * 15).padStart(2, '0')}`;

/** Random schedules on quarter hours (so working status only changes on quarter-hour instants). */
const scheduleArb = fc
  .record({
    days: fc.array(
      fc.array(
        fc
          .tuple(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 1, max: 96 }))
          .filter(([s, e]) => s !== e),
        { maxLength: 2 },
      ),
      { minLength: 7, maxLength: 7 },
    ),
    holidayOffsets: fc.uniqueArray(fc.integer({ min: -2, max: 20 }), { maxLength: 4 }),
  })
  .map(({ days, holidayOffsets }) => ({ days, holidayOffsets }));

/** DST switches of the zones above in 2026 (UTC), where off-by-an-hour bugs live. */
const SWITCHES = [
  utc(2026, 3, 8, 7), // America/New_York spring
  utc(2026, 11, 1, 6), // America/New_York autumn
  utc(2026, 3, 8, 5, 30), // America/St_Johns spring
  utc(2026, 3, 29, 1), // Europe/* spring
  utc(2026, 10, 25, 1), // Europe/* autumn
  utc(2026, 4, 4, 15), // Australia/Lord_Howe autumn (30 minutes)
  utc(2026, 10, 3, 15, 30), // Australia/Lord_Howe spring (30 minutes)
  utc(2026, 4, 4, 14), // Pacific/Chatham autumn
  utc(2026, 9, 26, 14), // Pacific/Chatham spring
];
const nowArb = fc.oneof(
  fc.integer({ min: utc(2025, 1, 1), max: utc(2027, 12, 31) }),
  fc.constantFrom(...SWITCHES).chain((t) => fc.integer({ min: t - 2 * DAY, max: t + DAY })),
);

function buildOwner(
  zone: string,
  sched: { days: Array<Array<[number, number]>>; holidayOffsets: number[] },
  now: number,
): Owner {
  const days: Partial<Record<Weekday, Array<[string, string]>>> = {};
  sched.days.forEach((list, d) => {
    if (list.length > 0) days[DAY_NAMES[d]!] = list.map(([s, e]) => [clock(s), clock(e)]);
  });
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  const holidays = sched.holidayOffsets.map((k) => today.plus({ days: k }).toISODate()!);
  return owner(zone, { workingHours: { days, holidays } });
}

/** `base` with out-of-office windows and a pause, all in quarter hours from `now`. */
function awayFrom(
  base: Owner,
  now: number,
  windows: ReadonlyArray<readonly [number, number]>,
  pauseQuarters: number | undefined,
): Owner {
  return {
    ...base,
    outOfOffice: windows.map(([start, length]) => ({
      from: now + start * QUARTER,
      until: now + (start + length) * QUARTER,
    })),
    ...(pauseQuarters === undefined
      ? {}
      : { paused: true, pausedUntil: now + pauseQuarters * QUARTER }),
  };
}

/** Is `t` inside a shift, computed with luxon: today's shifts unless a holiday, plus yesterday's overnight ones. */
function oracleWorks(o: Owner, t: number): boolean {
  const wh = o.workingHours!;
  const dt = DateTime.fromMillis(t, { zone: o.timeZone });
  const minute = dt.hour * 60 + dt.minute;
  const holidays = new Set(wh.holidays ?? []);
  const shifts = (day: DateTime) =>
    (wh.days[DAY_NAMES[day.weekday - 1]!] ?? []).map(([s, e]) => {
      const [sh, sm] = s.split(':').map(Number) as [number, number];
      const [eh, em] = e.split(':').map(Number) as [number, number];
      const start = sh * 60 + sm;
      const end = eh * 60 + em;
      return { start, end: end < start ? end + 1440 : end };
    });
  const today = dt.startOf('day');
  const yesterday = today.minus({ days: 1 });
  if (!holidays.has(yesterday.toISODate()!) && shifts(yesterday).some((s) => minute + 1440 < s.end))
    return true;
  if (holidays.has(today.toISODate()!)) return false;
  return shifts(today).some((s) => s.start <= minute && minute < s.end);
}

function oracleNext(o: Owner, now: number): number | undefined {
  if (oracleWorks(o, now)) return now;
  const limit = now + 14 * DAY;
  for (let t = Math.floor(now / QUARTER) * QUARTER + QUARTER; t <= limit; t += QUARTER) {
    if (oracleWorks(o, t)) return t;
  }
  return undefined;
}

describe('availability properties (luxon as the oracle)', () => {
  it('agrees with luxon on whether an owner is working, in zones with odd offsets and DST', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        scheduleArb,
        nowArb,
        fc.array(
          fc.oneof(fc.integer({ min: 0, max: 3 * DAY }), fc.integer({ min: 0, max: 14 * DAY })),
          { minLength: 20, maxLength: 20 },
        ),
        (zone, sched, now, deltas) => {
          const o = buildOwner(zone, sched, now);
          for (const d of deltas) {
            const t = now + d;
            expect(checkAvailability(o, t, true).status === 'eligible').toBe(oracleWorks(o, t));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds the same next available instant as a quarter-hour scan with luxon, and says it as until', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), scheduleArb, nowArb, (zone, sched, now) => {
        const o = buildOwner(zone, sched, now);
        const expected = oracleNext(o, now);
        expect(nextAvailableAt(o, now, true)).toBe(expected);
        const check = checkAvailability(o, now, true);
        if (check.status !== 'eligible') expect(check.until).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('finds the first instant free of pauses, absences and off hours, and nothing free before it', () => {
    const windowArb = fc.tuple(
      fc.integer({ min: -96, max: 14 * 96 }),
      fc.integer({ min: 1, max: 5 * 96 }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        scheduleArb,
        nowArb,
        fc.array(windowArb, { maxLength: 4 }),
        fc.option(fc.integer({ min: 0, max: 4 * 96 }), { nil: undefined }),
        (zone, sched, rawNow, windows, pauseQuarters) => {
          const now = Math.floor(rawNow / QUARTER) * QUARTER;
          const o = awayFrom(buildOwner(zone, sched, now), now, windows, pauseQuarters);
          const free = (t: number) =>
            oracleWorks(o, t) &&
            !(o.paused && t < o.pausedUntil!) &&
            !o.outOfOffice!.some((w) => w.from <= t && t < w.until);
          let expected: number | undefined;
          for (let t = now; t <= now + 14 * DAY; t += QUARTER) {
            if (free(t)) {
              expected = t;
              break;
            }
          }
          expect(nextAvailableAt(o, now, true)).toBe(expected);
          if (expected !== undefined)
            expect(checkAvailability(o, expected, true).status).toBe('eligible');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('answers from its memo exactly as a fresh computation would, as time moves on', () => {
    const windowArb = fc.tuple(
      fc.integer({ min: -96, max: 8 * 96 }),
      fc.integer({ min: 1, max: 3 * 96 }),
    );
    // Steps of seconds to days, so that questions land inside, at and across every boundary.
    const stepArb = fc.oneof(
      fc.integer({ min: 1, max: 120_000 }),
      fc.integer({ min: 1, max: 4 * QUARTER }),
      fc.integer({ min: 1, max: 2 * DAY }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        scheduleArb,
        nowArb,
        fc.array(windowArb, { maxLength: 3 }),
        fc.option(fc.integer({ min: 0, max: 2 * 96 }), { nil: undefined }),
        fc.array(stepArb, { minLength: 30, maxLength: 60 }),
        fc.boolean(),
        (zone, sched, now, windows, pauseQuarters, steps, workingHours) => {
          const o = awayFrom(buildOwner(zone, sched, now), now, windows, pauseQuarters);
          const memo = new OwnerClock(o);
          let t = now;
          for (const step of steps) {
            t += step;
            expect(memo.availability(t, workingHours)).toEqual(
              new OwnerClock(o).availability(t, workingHours),
            );
            expect(memo.dayKey(t)).toBe(localDayKey(zone, t));
            expect(memo.weekKey(t)).toBe(localWeekKey(zone, t));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reports every pool member's availability and caps as fresh checks would, as routing moves through time", () => {
    // Routing keeps a pool's answers, and its members' local days, for an interval in which no
    // member's changes: this is where a wrong interval would show, with members in different
    // zones, days turning, and time also going back.
    const capsArb = fc.record(
      {
        maxOpen: fc.integer({ min: 0, max: 6 }),
        maxPerDay: fc.integer({ min: 0, max: 3 }),
        maxPerWeek: fc.integer({ min: 1, max: 5 }),
      },
      { requiredKeys: [] },
    );
    const memberArb = fc.record({
      zone: fc.constantFrom(...ZONES),
      sched: scheduleArb,
      windows: fc.array(
        fc.tuple(fc.integer({ min: -96, max: 8 * 96 }), fc.integer({ min: 1, max: 3 * 96 })),
        { maxLength: 2 },
      ),
      pauseQuarters: fc.option(fc.integer({ min: 0, max: 2 * 96 }), { nil: undefined }),
      caps: fc.option(capsArb, { nil: undefined }),
    });
    const stepArb = fc.oneof(
      fc.integer({ min: 1, max: 4 * QUARTER }),
      fc.integer({ min: 1, max: 2 * DAY }),
      fc.integer({ min: -DAY, max: -1 }),
    );
    fc.assert(
      fc.property(
        fc.array(memberArb, { minLength: 1, maxLength: 4 }),
        nowArb,
        fc.array(stepArb, { minLength: 10, maxLength: 40 }),
        fc.constantFrom('working_now', 'any_active'),
        fc.option(capsArb, { nil: undefined }),
        (members, now, steps, mode, poolCaps) => {
          const owners: Owner[] = members.map((m, i) => ({
            ...awayFrom(buildOwner(m.zone, m.sched, now), now, m.windows, m.pauseQuarters),
            id: `o${i}`,
            caps: m.caps,
          }));
          const team = {
            strategy: 'round_robin',
            members: owners.map((o) => o.id),
            ...(poolCaps && {
              caps: {
                max_open: poolCaps.maxOpen,
                max_per_day: poolCaps.maxPerDay,
                max_per_week: poolCaps.maxPerWeek,
              },
            }),
          };
          const { policy } = compilePolicyOrThrow(
            {
              default_queue: 'triage',
              queues: { triage: {} },
              pools: { team },
              rules: [{ id: 'all', assign: { pool: 'team' }, availability: mode }],
            },
            { version: 'v' },
          );
          const directory = { owners: new Map(owners.map((o) => [o.id, o])) };
          const state = createRoutingState();
          let t = now;
          for (const step of steps) {
            t += step;
            const fresh = owners.map((o): { status: string; until?: number } => {
              const check = checkAvailability(o, t, mode === 'working_now');
              if (check.status !== 'eligible') return check;
              return { status: checkCaps(o, poolCaps, state.owners.get(o.id), t) ?? 'eligible' };
            });
            const plain = routeLead(policy, { id: 'l' }, { directory, state, now: t });
            const { decision, changes } = routeLead(
              policy,
              { id: 'l' },
              { directory, state, now: t, explain: true },
            );
            expect(plain.decision.ownerId).toBe(decision.ownerId);
            if (decision.ownerId === undefined)
              expect(fresh.every((c) => c.status !== 'eligible')).toBe(true);
            const reports = decision.explanation!.attempts[0]!.candidates!;
            reports.forEach((report, i) => {
              const status = report.status === 'chosen' ? 'eligible' : report.status;
              expect({ status, until: report.until }).toEqual({
                status: fresh[i]!.status,
                until: fresh[i]!.until,
              });
            });
            applyStateChanges(state, changes);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
