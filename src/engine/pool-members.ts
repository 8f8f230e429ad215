/**
 * What routing reads of a pool's members for every lead, kept so that it is read from a few
 * places side by side instead of an object per member spread over the heap: their clocks, their
 * availability answers and local day keys over intervals in which none of them changes, their
 * combined caps, and their counters by position (see `OwnerStateMap`). Pure memoisation: the
 * answers are exactly those of the members' clocks (property tests in availability.test.ts).
 */
import {
  capReached,
  combinedCaps,
  type AvailabilityCheck,
  type CapLimits,
  type CapStatus,
  type OwnerClock,
  type TimedCheck,
  ownerClock,
} from './availability/index.ts';
import type { CompiledPool } from './compile.ts';
import { OwnerStateMap } from './routing-state/index.ts';
import type { Directory, EpochMs, OwnerState } from './types.ts';

/** Whether candidate `index` has reached a cap at `now` (see `obstacle` in route.ts). */
export interface CapCheck {
  capAt(index: number, now: EpochMs): CapStatus | undefined;
}

/**
 * The clocks of a pool's members in one directory (undefined: not in it), and their availability
 * answers over an interval in which none of them changes: one interval check for the pool instead
 * of one per member, with the answers side by side. Made once per directory snapshot and pool
 * (pure memoisation: a directory is immutable once built).
 */
export class PoolClocks {
  readonly clocks: ReadonlyArray<OwnerClock | undefined>;
  /** Per meaning of availability: [0] any active owner, [1] within working hours. */
  private readonly windows: [AvailabilityWindow, AvailabilityWindow];

  /** Per member, the smaller of the owner's and the pool's caps; 1 in `capped` when any is set. */
  private readonly limits: readonly CapLimits[];
  readonly capped: Uint8Array;
  /** The members' local day and week keys, and an interval in which none of those days turns. */
  private keysFrom = Infinity;
  private keysUntil = -Infinity;
  private dayKeys: string[] = [];
  private weekKeys: string[] = [];

  constructor(directory: Directory, pool: CompiledPool) {
    this.clocks = pool.memberIds.map((id) => {
      const owner = directory.owners.get(id);
      return owner && ownerClock(owner);
    });
    this.windows = [
      { from: Infinity, until: -Infinity, checks: [] },
      { from: Infinity, until: -Infinity, checks: [] },
    ];
    this.limits = this.clocks.map((clock) => combinedCaps(clock?.owner.caps, pool.caps));
    this.capped = Uint8Array.from(this.limits, (l) =>
      Math.min(l.open, l.day, l.week) < Infinity ? 1 : 0,
    );
  }

  /** Which cap, if any, member `index` (whose counters are `state`) has reached at `now`. */
  capAt(index: number, state: OwnerState | undefined, now: EpochMs): CapStatus | undefined {
    if (!(this.keysFrom <= now && now < this.keysUntil)) {
      let from = -Infinity;
      let until = Infinity;
      this.dayKeys = [];
      this.weekKeys = [];
      for (const clock of this.clocks) {
        const day = clock?.dayInterval(now) ?? { from: -Infinity, until: Infinity };
        this.dayKeys.push(clock?.dayKey(now) ?? '');
        this.weekKeys.push(clock?.weekKey(now) ?? '');
        from = Math.max(from, day.from);
        until = Math.min(until, day.until);
      }
      this.keysFrom = from;
      this.keysUntil = until;
    }
    return capReached(this.limits[index]!, state, this.dayKeys[index]!, this.weekKeys[index]!);
  }

  /** Each member's `checkAvailability` at `now` (an unknown member's entry is meaningless). */
  availability(now: EpochMs, workingHours: boolean): readonly AvailabilityCheck[] {
    const window = this.windows[workingHours ? 1 : 0];
    if (!(window.from <= now && now < window.until)) {
      let from = -Infinity;
      let until = Infinity;
      const checks: AvailabilityCheck[] = [];
      for (const clock of this.clocks) {
        const timed = clock ? clock.timedAvailability(now, workingHours) : UNKNOWN_OWNER;
        checks.push(timed.check);
        from = Math.max(from, timed.from);
        until = Math.min(until, timed.until);
      }
      window.from = from;
      window.until = until;
      window.checks = checks;
    }
    return window.checks;
  }
}

interface AvailabilityWindow {
  from: EpochMs;
  until: EpochMs;
  checks: AvailabilityCheck[];
}

/** Stands in for a member missing from the directory, whom `obstacle` reports before this. */
const UNKNOWN_OWNER: TimedCheck = Object.freeze({
  from: -Infinity,
  until: Infinity,
  check: Object.freeze({ status: 'inactive' as const }),
});

const poolClocksMemo = new WeakMap<Directory, Map<CompiledPool, PoolClocks>>();

export function poolClocks(directory: Directory, pool: CompiledPool): PoolClocks {
  let byPool = poolClocksMemo.get(directory);
  if (!byPool) poolClocksMemo.set(directory, (byPool = new Map()));
  let clocks = byPool.get(pool);
  if (!clocks) byPool.set(pool, (clocks = new PoolClocks(directory, pool)));
  return clocks;
}

/**
 * The state of a pool's members, by owner id and position: read through the slots the state
 * remembers for the pool when it keeps slots (see `OwnerStateMap`), by id otherwise. Answers the
 * members' caps with the pool's clocks.
 */
export class MemberStates implements CapCheck {
  private readonly slotted: OwnerStateMap | undefined;
  private readonly slots: Int32Array | undefined;
  constructor(
    private readonly owners: ReadonlyMap<string, OwnerState>,
    private readonly ids: readonly string[],
    readonly pooled: PoolClocks,
  ) {
    this.slotted = owners instanceof OwnerStateMap ? owners : undefined;
    this.slots = this.slotted?.slotsOf(ids);
  }
  get(ownerId: string, index: number): OwnerState | undefined {
    return this.slotted === undefined
      ? this.owners.get(ownerId)
      : this.slotted.at(this.slots![index]!);
  }
  capAt(index: number, now: EpochMs): CapStatus | undefined {
    if (this.pooled.capped[index] === 0) return undefined;
    return this.pooled.capAt(index, this.get(this.ids[index]!, index), now);
  }
}
