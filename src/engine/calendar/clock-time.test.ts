import { describe, expect, it } from 'vitest';
import { parseClockTime, WEEKDAYS } from './clock-time.ts';

describe('parseClockTime', () => {
  it('reads H:MM and HH:MM as minutes since midnight', () => {
    expect(parseClockTime('09:00', false)).toBe(540);
    expect(parseClockTime('9:05', false)).toBe(545);
    expect(parseClockTime('00:00', false)).toBe(0);
    expect(parseClockTime('23:59', true)).toBe(1439);
  });

  it('accepts 24:00 as an end only', () => {
    expect(parseClockTime('24:00', true)).toBe(1440);
    expect(parseClockTime('24:00', false)).toBeUndefined();
    expect(parseClockTime('24:01', true)).toBeUndefined();
  });

  it('rejects anything else, spaces included', () => {
    for (const text of ['25:00', '12:60', '12', '12:5', ' 09:00', '09:00 ', '0900', ''])
      expect(parseClockTime(text, true)).toBeUndefined();
    expect(parseClockTime(900, true)).toBeUndefined();
    expect(parseClockTime(undefined, true)).toBeUndefined();
  });

  it('lists the weekdays from Monday', () => {
    expect(WEEKDAYS).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
  });
});
