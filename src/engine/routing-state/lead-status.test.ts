import { describe, expect, it } from 'vitest';
import {
  CLOSED_LEAD_STATUSES,
  isOpenLeadStatus,
  LEAD_STATUSES,
  leadStatusOf,
  OPEN_LEAD_STATUSES,
} from './lead-status.ts';

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
});
