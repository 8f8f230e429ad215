import { describe, expect, it } from 'vitest';
import { recordAssignment } from '../routing-state/index.ts';
import type { Owner } from '../types.ts';
import { checkCaps } from './owner-clock.ts';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);
const HOUR = 3_600_000;

function owner(timeZone: string, extra: Partial<Owner> = {}): Owner {
  return { id: 'o', name: 'O', timeZone, active: true, ...extra };
}

describe('caps', () => {
  const berlin = owner('Europe/Berlin', { caps: { maxPerDay: 1 } });

  it('counts a lead at 23:30 local and one at 00:30 local the next day on different days', () => {
    // Monday 23 Nov 2026 23:30 CET = 22:30 UTC; Tuesday 00:30 CET = 23:30 UTC, still Monday in UTC.
    const state = recordAssignment(berlin, undefined, utc(2026, 11, 23, 22, 30));
    expect(state).toMatchObject({
      open: 1,
      dayKey: '2026-11-23',
      dayCount: 1,
      weekKey: '2026-W48',
      weekCount: 1,
    });
    expect(checkCaps(berlin, undefined, state, utc(2026, 11, 23, 22, 45))).toBe('at_cap_day');
    expect(checkCaps(berlin, undefined, state, utc(2026, 11, 23, 23, 30))).toBeUndefined();
    const next = recordAssignment(berlin, state, utc(2026, 11, 23, 23, 30));
    expect(next).toMatchObject({
      open: 2,
      dayKey: '2026-11-24',
      dayCount: 1,
      weekCount: 2,
      lastAssignedAt: utc(2026, 11, 23, 23, 30),
    });
  });

  it('rolls the week over at local midnight between Sunday and Monday', () => {
    const o = owner('Asia/Kolkata', { caps: { maxPerWeek: 2 } });
    // Sunday 29 Nov 2026 23:30 IST = 18:00 UTC; Monday 00:30 IST = 19:00 UTC.
    let state = recordAssignment(o, undefined, utc(2026, 11, 29, 17));
    state = recordAssignment(o, state, utc(2026, 11, 29, 18));
    expect(state).toMatchObject({ weekKey: '2026-W48', weekCount: 2 });
    expect(checkCaps(o, undefined, state, utc(2026, 11, 29, 18, 15))).toBe('at_cap_week');
    expect(checkCaps(o, undefined, state, utc(2026, 11, 29, 19))).toBeUndefined();
    expect(recordAssignment(o, state, utc(2026, 11, 29, 19))).toMatchObject({
      weekKey: '2026-W49',
      weekCount: 1,
      dayCount: 1,
    });
  });

  it('applies the smaller of the owner and pool caps, open leads first', () => {
    const o = owner('UTC', { caps: { maxOpen: 5, maxPerDay: 10 } });
    const now = utc(2026, 11, 23, 10);
    const state = {
      open: 3,
      dayKey: '2026-11-23',
      dayCount: 3,
      weekKey: '2026-W48',
      weekCount: 3,
      lastAssignedAt: now - HOUR,
    };
    expect(checkCaps(o, undefined, state, now)).toBeUndefined();
    expect(checkCaps(o, { maxOpen: 3 }, state, now)).toBe('at_cap_open');
    expect(checkCaps(o, { maxPerDay: 3 }, state, now)).toBe('at_cap_day');
    expect(checkCaps(o, { maxPerWeek: 3 }, state, now)).toBe('at_cap_week');
    expect(checkCaps(owner('UTC'), { maxPerWeek: 4 }, state, now)).toBeUndefined();
  });

  it('treats a cap of 0 as closed and a missing state as no load', () => {
    const now = utc(2026, 11, 23, 10);
    expect(checkCaps(owner('UTC', { caps: { maxPerDay: 0 } }), undefined, undefined, now)).toBe(
      'at_cap_day',
    );
    expect(
      checkCaps(owner('UTC', { caps: { maxOpen: 1 } }), undefined, undefined, now),
    ).toBeUndefined();
  });

  it('does not change the state it is given', () => {
    const state = Object.freeze({
      open: 1,
      dayKey: '2026-11-23',
      dayCount: 1,
      weekKey: '2026-W48',
      weekCount: 1,
      lastAssignedAt: 0,
    });
    expect(recordAssignment(owner('UTC'), state, utc(2026, 11, 23, 12))).not.toBe(state);
    expect(state.open).toBe(1);
  });
});
