import { describe, expect, it } from 'vitest';
import type { Owner } from '../types.ts';
import {
  countAssignment,
  emptyOwnerState,
  holdOpenLead,
  recordAssignment,
  releaseOpenLead,
} from './owner-state.ts';

const berlin: Owner = { id: 'o', name: 'O', timeZone: 'Europe/Berlin', active: true };
const monday = Date.UTC(2026, 10, 23, 12);

describe("an owner's routing state", () => {
  it('starts empty, as a new object every time', () => {
    expect(emptyOwnerState()).toEqual({
      open: 0,
      dayKey: '',
      dayCount: 0,
      weekKey: '',
      weekCount: 0,
      lastAssignedAt: null,
    });
    expect(emptyOwnerState()).not.toBe(emptyOwnerState());
  });

  it("counts a routed lead in the owner's open load, local day and local week", () => {
    const first = recordAssignment(berlin, undefined, monday);
    expect(first).toEqual({
      open: 1,
      dayKey: '2026-11-23',
      dayCount: 1,
      weekKey: '2026-W48',
      weekCount: 1,
      lastAssignedAt: monday,
    });
    // 23:30 UTC is already Tuesday in Berlin: a new day, the same week.
    const tuesday = Date.UTC(2026, 10, 23, 23, 30);
    expect(recordAssignment(berlin, first, tuesday)).toEqual({
      open: 2,
      dayKey: '2026-11-24',
      dayCount: 1,
      weekKey: '2026-W48',
      weekCount: 2,
      lastAssignedAt: tuesday,
    });
    expect(countAssignment(first, '2026-11-23', '2026-W48', monday + 1)).toMatchObject({
      open: 2,
      dayCount: 2,
      weekCount: 2,
    });
  });

  it('releases and holds open load without going below zero or touching the rest', () => {
    const state = { ...emptyOwnerState(), open: 1, dayCount: 4 };
    expect(releaseOpenLead(state)).toEqual({ ...state, open: 0 });
    expect(releaseOpenLead(releaseOpenLead(state))).toEqual({ ...state, open: 0 });
    expect(holdOpenLead(state)).toEqual({ ...state, open: 2 });
    expect(state.open).toBe(1);
  });
});
