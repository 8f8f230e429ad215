/**
 * An owner's availability and local calendar, memoised per Owner object, and the public checks
 * that go through it.
 */
import {
  compileHours,
  dayKeyOf,
  DAY_MS,
  fromLocalMs,
  localDayNumber,
  weekKeyOf,
  type CompiledHours,
} from '../calendar/index.ts';
import type { Caps, EpochMs, Owner, OwnerState } from '../types.ts';
import { capReached, combinedCaps, type CapLimits, type CapStatus } from './caps.ts';
import {
  timedAvailability,
  type AvailabilityCheck,
  type TimedCheck,
} from './owner-availability.ts';

/**
 * An owner's availability and local calendar, memoised: each answer holds over an interval of
 * time (see `timedAvailability`), so a later question inside it costs a comparison instead of
 * time-zone arithmetic. Routing asks about every member of every pool a lead reaches, a few
 * seconds apart. A pure cache: the answers are those of the plain computation, whatever the
 * order of the questions (one outside the interval recomputes it).
 */
export class OwnerClock {
  private readonly hours: CompiledHours | undefined;
  /** The owner's own caps as limits, for questions without a pool (made on first use). */
  private ownLimits: CapLimits | undefined = undefined;
  private withHours: TimedCheck | undefined = undefined;
  private anyTime: TimedCheck | undefined = undefined;
  /** The local day of the last question and the instants between which it is today. */
  private dayFrom = Infinity;
  private dayUntil = -Infinity;
  private dayNumber = 0;
  private dayKeyText = '';
  private weekKeyText = '';

  constructor(readonly owner: Owner) {
    this.hours = owner.workingHours === undefined ? undefined : compileHours(owner.workingHours);
  }

  /** `checkAvailability(owner, now, workingHours)`. */
  availability(now: EpochMs, workingHours: boolean): AvailabilityCheck {
    return this.timedAvailability(now, workingHours).check;
  }

  /** `checkAvailability(owner, now, workingHours)` and the interval around `now` it holds for. */
  timedAvailability(now: EpochMs, workingHours: boolean): TimedCheck {
    const memo = workingHours ? this.withHours : this.anyTime;
    if (memo !== undefined && memo.from <= now && now < memo.until) return memo;
    const fresh = timedAvailability(this.owner, this.hours, now, workingHours);
    if (workingHours) this.withHours = fresh;
    else this.anyTime = fresh;
    return fresh;
  }

  /** The local date of `now` in the owner's zone, `YYYY-MM-DD`. */
  dayKey(now: EpochMs): string {
    if (!(this.dayFrom <= now && now < this.dayUntil)) this.turnDay(now);
    return this.dayKeyText;
  }

  /** The ISO week of `now` in the owner's zone, `YYYY-Www`. */
  weekKey(now: EpochMs): string {
    if (!(this.dayFrom <= now && now < this.dayUntil)) this.turnDay(now);
    return this.weekKeyText;
  }

  /** The instants between which the local day of the last `dayKey`/`weekKey` question lasts. */
  dayInterval(now: EpochMs): { from: EpochMs; until: EpochMs } {
    if (!(this.dayFrom <= now && now < this.dayUntil)) this.turnDay(now);
    return { from: this.dayFrom, until: this.dayUntil };
  }

  /** `checkCaps(owner, poolCaps, state, now)`. */
  caps(
    poolCaps: Caps | undefined,
    state: OwnerState | undefined,
    now: EpochMs,
  ): CapStatus | undefined {
    const caps = this.owner.caps;
    if (caps === undefined && poolCaps === undefined) return undefined;
    const limits =
      poolCaps === undefined
        ? (this.ownLimits ??= combinedCaps(caps, undefined))
        : combinedCaps(caps, poolCaps);
    return capReached(limits, state, this.dayKey(now), this.weekKey(now));
  }

  private turnDay(now: EpochMs): void {
    const tz = this.owner.timeZone;
    const day = localDayNumber(tz, now);
    if (day !== this.dayNumber || this.dayKeyText === '') {
      this.dayNumber = day;
      this.dayKeyText = dayKeyOf(day);
      this.weekKeyText = weekKeyOf(day);
    }
    this.dayFrom = Math.min(now, fromLocalMs(tz, day * DAY_MS));
    this.dayUntil = fromLocalMs(tz, (day + 1) * DAY_MS);
  }
}

/** Keyed by the Owner object: owners are immutable once in a directory. */
const clocks = new WeakMap<Owner, OwnerClock>();

/** The owner's memoised clock (one per Owner object). */
export function ownerClock(owner: Owner): OwnerClock {
  let clock = clocks.get(owner);
  if (clock === undefined) clocks.set(owner, (clock = new OwnerClock(owner)));
  return clock;
}

/**
 * Is the owner available at `now`? Checks, in order: inactive, paused (until `pausedUntil`),
 * out of office (until the end of the covering windows, adjacent or overlapping ones merged),
 * holiday, outside working hours (both until the next working time within 14 days, if any).
 * `workingHours: false` ignores working hours and holidays (rule mode `any_active`). An owner
 * without `workingHours` is always working. Throws on an unknown time zone (loaders validate).
 */
export function checkAvailability(
  owner: Owner,
  now: EpochMs,
  workingHours: boolean,
): AvailabilityCheck {
  return ownerClock(owner).availability(now, workingHours);
}

/**
 * Which cap, if any, stops the owner from taking one more lead: the smaller of the owner's and
 * the pool's limit each. Day and week counts are in the owner's time zone; counters recorded for
 * another local day or week count as 0.
 */
export function checkCaps(
  owner: Owner,
  poolCaps: Caps | undefined,
  state: OwnerState | undefined,
  now: EpochMs,
): CapStatus | undefined {
  return ownerClock(owner).caps(poolCaps, state, now);
}
