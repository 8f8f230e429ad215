import { describe, expect, it } from 'vitest';
import {
  CLOSED_STATUSES,
  LEAD_STATUSES,
  OPEN_STATUSES,
  ownerStateAfterStatusChange,
  statusOf,
} from './lead-status.ts';
import type { OwnerState } from './types.ts';

const state: OwnerState = {
  open: 2,
  dayKey: '2026-11-24',
  dayCount: 5,
  weekKey: '2026-W48',
  weekCount: 9,
  lastAssignedAt: 1,
};

describe('lead statuses', () => {
  it('are each open, closed, or neither (queued, unroutable)', () => {
    const neither = LEAD_STATUSES.filter((s) => !OPEN_STATUSES.has(s) && !CLOSED_STATUSES.has(s));
    expect(neither).toEqual(['queued', 'unroutable']);
    expect([...OPEN_STATUSES].filter((s) => CLOSED_STATUSES.has(s))).toEqual([]);
  });

  it('follow the outcome of a routing decision', () => {
    expect(statusOf({ outcome: 'assigned' })).toBe('assigned');
    expect(statusOf({ outcome: 'queued' })).toBe('queued');
    expect(statusOf({ outcome: 'unroutable' })).toBe('unroutable');
  });

  it.each([
    ['assigned', 'closed', 1],
    ['qualified', 'converted', 1],
    ['disqualified', 'contacted', 3],
    ['assigned', 'contacted', 2],
    ['closed', 'converted', 2],
  ] as const)('moving a lead from %s to %s leaves %i open', (from, to, open) => {
    // Only the open load moves: what the owner was given that day and week stays.
    expect(ownerStateAfterStatusChange(state, from, to)).toEqual({ ...state, open });
  });

  it('never counts open load below zero', () => {
    expect(ownerStateAfterStatusChange({ ...state, open: 0 }, 'assigned', 'closed').open).toBe(0);
  });
});
