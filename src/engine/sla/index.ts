/**
 * Service levels: the policy's `slas`, their clocks and escalation ladders, and the pure
 * arithmetic of deadlines. The service schedules what these plan as durable timers.
 */
export {
  compileSlas,
  type CompiledSla,
  type CompiledSlas,
  type LadderAction,
  type LadderStep,
  type SlaClockSpec,
} from './compile-slas.ts';
export {
  planBreach,
  planClock,
  slaCalendar,
  slaDeadline,
  slaElapsed,
  type PlannedDeadline,
  type SlaClockName,
} from './deadlines.ts';
export { DURATION_MESSAGE, parseSlaDuration, parsePercent } from './durations.ts';
