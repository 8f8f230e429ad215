/**
 * SLA deadlines: when a clock started at `start` runs out on the SLA's clock, when to warn, how
 * much of it a first touch used, and what the ladder does at each breach. Pure.
 *
 * Clocks: `wall` counts every millisecond; `business` counts the owner's working time (their
 * zone, weekly hours and holidays, paused outside them and during out-of-office); a named
 * calendar counts its own working time. A business clock without an owner (a queued lead's
 * `assign_within`) and a calendar with no working time in a year fall back to the wall clock, so
 * that a deadline always exists.
 */
import {
  addBusinessTime,
  businessTimeBetween,
  type BusinessCalendar,
} from '../calendar/business-time.ts';
import type { EpochMs } from '../types.ts';
import type { CompiledSla, LadderStep, SlaClockSpec } from './compile-slas.ts';

/** The calendar a clock counts in for an owner, or undefined for the wall clock. */
export function slaCalendar(
  clock: SlaClockSpec,
  owner: BusinessCalendar | undefined,
): BusinessCalendar | undefined {
  if (clock.kind === 'calendar') return clock.calendar;
  if (clock.kind === 'business') return owner;
  return undefined;
}

/** The instant `ms` of the clock's time after `start`. */
export function slaDeadline(
  clock: SlaClockSpec,
  owner: BusinessCalendar | undefined,
  start: EpochMs,
  ms: number,
): EpochMs {
  const calendar = slaCalendar(clock, owner);
  if (!calendar) return start + ms;
  return addBusinessTime(calendar, start, ms) ?? start + ms;
}

/** Time elapsed on the clock between two instants (a first touch's business duration). */
export function slaElapsed(
  clock: SlaClockSpec,
  owner: BusinessCalendar | undefined,
  from: EpochMs,
  to: EpochMs,
): number {
  const calendar = slaCalendar(clock, owner);
  return calendar ? businessTimeBetween(calendar, from, to) : to - from;
}

/** Which clock of a lead: created → assigned, or assigned → first touch. */
export type SlaClockName = 'assign' | 'first_response';

/** A deadline to schedule: its kind, due instant and what recomputing it needs. */
export interface PlannedDeadline {
  kind: 'warning' | 'breach';
  clock: SlaClockName;
  step: number;
  dueAt: EpochMs;
  /** Start of the count and how much clock time it allows (to move it when the owner's hours change). */
  start: EpochMs;
  ms: number;
}

/**
 * The warning and breach of one clock of `sla` started at `start` (step 0), or nothing when the
 * SLA does not time that clock. The warning comes at `warn_at` of the clock's time.
 */
export function planClock(
  sla: CompiledSla,
  clock: SlaClockName,
  owner: BusinessCalendar | undefined,
  start: EpochMs,
): PlannedDeadline[] {
  const ms = clock === 'assign' ? sla.assignWithinMs : sla.firstResponseWithinMs;
  if (ms === undefined) return [];
  const out: PlannedDeadline[] = [];
  if (sla.warnAt !== undefined) {
    const warnMs = Math.round(ms * sla.warnAt);
    out.push({
      kind: 'warning',
      clock,
      step: 0,
      start,
      ms: warnMs,
      dueAt: slaDeadline(sla.clock, owner, start, warnMs),
    });
  }
  out.push({
    kind: 'breach',
    clock,
    step: 0,
    start,
    ms,
    dueAt: slaDeadline(sla.clock, owner, start, ms),
  });
  return out;
}

/**
 * What the breach at `step` does: the ladder's step, and the next deadline (step + 1) when that
 * step carries `then_within`, counted from `at` on the clock of `nextOwner` (the new owner after a
 * reassignment). Undefined `step` beyond the ladder: the breach is recorded, nothing else happens.
 */
export function planBreach(
  sla: CompiledSla,
  clock: SlaClockName,
  step: number,
  at: EpochMs,
  nextOwner: BusinessCalendar | undefined,
): { step?: LadderStep; next?: PlannedDeadline } {
  const rung = sla.ladder[step];
  if (!rung) return {};
  if (rung.thenWithinMs === undefined) return { step: rung };
  return {
    step: rung,
    next: {
      kind: 'breach',
      clock,
      step: step + 1,
      start: at,
      ms: rung.thenWithinMs,
      dueAt: slaDeadline(sla.clock, nextOwner, at, rung.thenWithinMs),
    },
  };
}
