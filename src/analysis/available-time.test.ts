import { describe, expect, it } from 'vitest';
import type { Owner } from '../engine/index.ts';
import { availableTimeOf } from './available-time.ts';

const H = 3_600_000;
const MON = Date.UTC(2026, 10, 2);
const nineToFive: Owner = {
  id: 'a',
  name: 'A',
  timeZone: 'UTC',
  active: true,
  workingHours: { days: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']] } },
};

describe('availableTimeOf', () => {
  it('counts working hours less out-of-office and a pause that ends within the span', () => {
    expect(availableTimeOf(nineToFive, MON, MON + 7 * 24 * H)).toBe(16 * H);
    const away: Owner = {
      ...nineToFive,
      outOfOffice: [{ from: MON + 24 * H, until: MON + 48 * H }],
    };
    expect(availableTimeOf(away, MON, MON + 7 * 24 * H)).toBe(8 * H);
    const paused: Owner = { ...nineToFive, paused: true, pausedUntil: MON + 13 * H };
    expect(availableTimeOf(paused, MON, MON + 7 * 24 * H)).toBe(12 * H);
  });

  it('gives nothing to an inactive owner, one paused without end, or an unknown one', () => {
    expect(availableTimeOf({ ...nineToFive, active: false }, MON, MON + 7 * 24 * H)).toBe(0);
    expect(availableTimeOf({ ...nineToFive, paused: true }, MON, MON + 7 * 24 * H)).toBe(0);
    expect(availableTimeOf(undefined, MON, MON + H)).toBe(0);
  });
});
