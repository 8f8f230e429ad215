import { describe, expect, it } from 'vitest';
import {
  CLOSED_LEAD_STATUSES,
  isOpenLeadStatus,
  LEAD_STATUSES,
  leadStatusOf,
  OPEN_LEAD_STATUSES,
  ownerStateAfterStatusChange,
} from './lead-status.ts';
import type { OwnerState } from '../types.ts';

const state: OwnerState = {
  open: 2,
  dayKey: '2026-11-24',
  dayCount: 5,
  weekKey: '2026-W48',
  weekCount: 9,
  lastAssignedAt: 1,
};

describe('lead statuses', () => {
  it('counts assigned, contacted and qualified leads as open load, and no others', () => {
    expect(LEAD_STATUSES.filter(isOpenLeadStatus)).toEqual(['assigned', 'contacted', 'qualified']);
    expect([...OPEN_LEAD_STATUSES].some((s) => CLOSED_LEAD_STATUSES.has(s))).toBe(false);
    expect([...CLOSED_LEAD_STATUSES]).toEqual(['converted', 'disqualified', 'closed']);
  });

  it("takes a lead's status from the outcome of its routing decision", () => {
    expect(leadStatusOf({ outcome: 'assigned' })).toBe('assigned');
    expect(leadStatusOf({ outcome: 'queued' })).toBe('queued');
    expect(leadStatusOf({ outcome: 'unroutable' })).toBe('unroutable');
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
