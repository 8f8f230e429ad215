/**
 * Compiles the SLA keys of a policy: durations to milliseconds, clocks to calendars, ladders to
 * steps, and the choice of a lead's SLA to one function. Errors name paths
 * (`slas.standard.first_response_within: expected a duration like 30m or 2h`).
 */
import type { BusinessCalendar } from '../calendar/business-time.ts';
import type { CompiledCondition, Fields } from '../conditions/index.ts';
import { joinPath, type PolicyIssue } from '../issues.ts';
import type { PolicyDoc } from '../policy-schema.ts';
import type { Decision } from '../types.ts';
import { compileCalendar } from './calendars.ts';
import { DURATION_MESSAGE, parsePercent, parseSlaDuration } from './durations.ts';
import type { LadderStepDoc } from './sla-schema.ts';

/** The clock an SLA counts on. */
export type SlaClockSpec =
  | { kind: 'wall' }
  | { kind: 'business' }
  | { kind: 'calendar'; name: string; calendar: BusinessCalendar };

/** What one step of the escalation ladder does. */
export type LadderAction =
  | { kind: 'reassign' }
  | { kind: 'queue'; queueId: string }
  | { kind: 'notify' }
  | { kind: 'set_status'; status: string }
  | { kind: 'pause_owner' };

/** One rung of the ladder: its action and, when it has one, the next deadline from there. */
export interface LadderStep {
  action: LadderAction;
  thenWithinMs?: number;
}

export interface CompiledSla {
  id: string;
  assignWithinMs?: number;
  firstResponseWithinMs?: number;
  /** Share of a deadline at which to warn (0.75 for `75%`). */
  warnAt?: number;
  clock: SlaClockSpec;
  ladder: readonly LadderStep[];
}

/** The policy's SLAs and how a lead's is chosen. */
export interface CompiledSlas {
  slas: ReadonlyMap<string, CompiledSla>;
  /**
   * The SLA of a decision: the rule's `sla`, else the assigning pool's, else the first
   * `sla_rules` entry whose `when` holds on the lead's fields, else `default_sla`. Undefined for
   * an unroutable lead or when nothing names one.
   */
  choose(decision: Decision, fields: Fields): string | undefined;
}

/** Compiles a condition in the policy's field layout (compile.ts owns the layout). */
export type CompileWhen = (when: unknown, path: string) => CompiledCondition;

/** Compiles the SLA keys; undefined when the policy has no SLA (nothing to schedule at all). */
export function compileSlas(
  doc: PolicyDoc,
  queues: ReadonlySet<string>,
  compileWhen: CompileWhen,
  issues: PolicyIssue[],
): CompiledSlas | undefined {
  const calendars = new Map<string, BusinessCalendar>();
  for (const [name, cal] of Object.entries(doc.calendars)) {
    const compiled = compileCalendar(cal, joinPath('calendars', name), issues);
    if (compiled) calendars.set(name, compiled);
  }
  const slas = new Map<string, CompiledSla>();
  for (const [id, sla] of Object.entries(doc.slas)) {
    const path = joinPath('slas', id);
    let clock: SlaClockSpec;
    if (sla.clock === 'wall' || sla.clock === 'business') clock = { kind: sla.clock };
    else {
      const calendar = calendars.get(sla.clock.calendar);
      if (!calendar && !(sla.clock.calendar in doc.calendars)) {
        const known = Object.keys(doc.calendars);
        issues.push({
          severity: 'error',
          path: joinPath(joinPath(path, 'clock'), 'calendar'),
          message: `unknown calendar "${sla.clock.calendar}"; ${known.length ? `defined calendars: ${known.join(', ')}` : 'declare it under `calendars`'}`,
        });
      }
      clock = {
        kind: 'calendar',
        name: sla.clock.calendar,
        calendar: calendar ?? { timeZone: 'UTC' },
      };
    }
    const duration = (text: string | undefined, p: string): number | undefined => {
      if (text === undefined) return undefined;
      const d = parseSlaDuration(text);
      if (!d) {
        issues.push({ severity: 'error', path: p, message: DURATION_MESSAGE });
        return undefined;
      }
      if (d.usesSeconds && clock.kind !== 'wall') {
        issues.push({
          severity: 'error',
          path: p,
          message: `seconds are for the wall clock only; write minutes or hours (e.g. 30m), or set \`clock: wall\``,
        });
      }
      return d.ms;
    };
    const assignWithinMs = duration(sla.assign_within, joinPath(path, 'assign_within'));
    const firstResponseWithinMs = duration(
      sla.first_response_within,
      joinPath(path, 'first_response_within'),
    );
    if (assignWithinMs === undefined && firstResponseWithinMs === undefined) {
      issues.push({
        severity: 'error',
        path,
        message: 'an SLA needs `assign_within`, `first_response_within` or both',
      });
    }
    const ladder: LadderStep[] = [];
    sla.on_breach.forEach((step, i) => {
      const p = joinPath(joinPath(path, 'on_breach'), i);
      const compiled = compileStep(step, p, queues, issues);
      if (!compiled) return;
      if (typeof step === 'object' && step.then_within !== undefined)
        compiled.thenWithinMs = duration(step.then_within, joinPath(p, 'then_within'));
      ladder.push(compiled);
    });
    slas.set(id, {
      id,
      assignWithinMs,
      firstResponseWithinMs,
      warnAt: sla.warn_at === undefined ? undefined : parsePercent(sla.warn_at),
      clock,
      ladder,
    });
  }

  const known = (ref: string | undefined, p: string): void => {
    if (ref !== undefined && !slas.has(ref)) {
      const names = [...slas.keys()];
      issues.push({
        severity: 'error',
        path: p,
        message: `unknown SLA "${ref}"; ${names.length ? `defined SLAs: ${names.join(', ')}` : 'declare it under `slas`'}`,
      });
    }
  };
  const byRule = new Map<string, string>();
  doc.rules.forEach((rule, i) => {
    known(rule.sla, joinPath(joinPath('rules', i), 'sla'));
    if (rule.sla !== undefined) byRule.set(rule.id, rule.sla);
  });
  const byPool = new Map<string, string>();
  for (const [poolId, pool] of Object.entries(doc.pools)) {
    known(pool.sla, joinPath(joinPath('pools', poolId), 'sla'));
    if (pool.sla !== undefined) byPool.set(poolId, pool.sla);
  }
  const conditional = doc.sla_rules.map((r, i) => {
    const p = joinPath('sla_rules', i);
    known(r.sla, joinPath(p, 'sla'));
    return { condition: compileWhen(r.when, joinPath(p, 'when')), sla: r.sla };
  });
  known(doc.default_sla, 'default_sla');
  if (slas.size === 0) return undefined;
  const fallback = doc.default_sla;
  return {
    slas,
    choose(decision, fields) {
      if (decision.outcome === 'unroutable') return undefined;
      if (decision.ruleId !== undefined) {
        const s = byRule.get(decision.ruleId);
        if (s !== undefined) return s;
      }
      if (decision.poolId !== undefined) {
        const s = byPool.get(decision.poolId);
        if (s !== undefined) return s;
      }
      for (const c of conditional) if (c.condition.test(fields)) return c.sla;
      return fallback;
    },
  };
}

function compileStep(
  step: LadderStepDoc,
  path: string,
  queues: ReadonlySet<string>,
  issues: PolicyIssue[],
): LadderStep | undefined {
  if (typeof step === 'string') return { action: { kind: step } as LadderAction };
  const actions: LadderAction[] = [];
  if (step.reassign) actions.push({ kind: 'reassign' });
  if (step.queue !== undefined) {
    if (!queues.has(step.queue)) {
      issues.push({
        severity: 'error',
        path: joinPath(path, 'queue'),
        message: `unknown queue "${step.queue}"; declare it under \`queues\``,
      });
    }
    actions.push({ kind: 'queue', queueId: step.queue });
  }
  if (step.notify) actions.push({ kind: 'notify' });
  if (step.set_status !== undefined) actions.push({ kind: 'set_status', status: step.set_status });
  if (step.pause_owner) actions.push({ kind: 'pause_owner' });
  if (actions.length !== 1) {
    issues.push({
      severity: 'error',
      path,
      message: `a step takes exactly one action (reassign, queue, notify, set_status or pause_owner); found ${actions.length}`,
    });
    return undefined;
  }
  return { action: actions[0]! };
}
