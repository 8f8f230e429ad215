/**
 * In-memory routing state, as the simulator keeps it; the service keeps the same entries in
 * database rows and applies the same changes under row locks.
 */
import type { OwnerState, PoolState, RoutingState, StateChanges } from '../types.ts';
import { emptyOwnerState } from './owner-state.ts';

/** A routing state whose maps the caller may update with `applyStateChanges`. */
export interface MutableRoutingState extends RoutingState {
  pools: Map<string, PoolState>;
  owners: Map<string, OwnerState>;
  ownerByEmail: Map<string, string>;
}

/** An empty routing state whose owner map is an {@link OwnerStateMap}. */
export function createRoutingState(): MutableRoutingState {
  return { pools: new Map(), owners: new OwnerStateMap(), ownerByEmail: new Map() };
}

/**
 * Owners' state by id that can also be read by position, from copies kept side by side.
 *
 * Routing reads the counters of up to every member of a pool for every lead (weighted and
 * fair-share pools need all of them). Read through the map, each is a hash lookup and then an
 * object allocated whenever that owner was last assigned, somewhere in the heap: a cache miss per
 * member. Here each id gets a slot on first sight and keeps it; `slotsOf` gives a pool's slots
 * once, and `at` reads a copy of the state made on `set` into an object allocated with the slot,
 * so a pool's members sit together in memory. A plain Map gives the same decisions, only slower.
 */
export class OwnerStateMap extends Map<string, OwnerState> {
  private readonly slotById = new Map<string, number>();
  private readonly copies: OwnerState[] = [];
  private readonly present: boolean[] = [];
  private readonly slotMemo = new WeakMap<readonly string[], Int32Array>();

  constructor(entries?: Iterable<readonly [string, OwnerState]>) {
    super();
    if (entries) for (const [id, value] of entries) this.set(id, value);
  }

  override set(id: string, value: OwnerState): this {
    super.set(id, value);
    const slot = this.slot(id);
    const copy = this.copies[slot]!;
    copy.open = value.open;
    copy.dayKey = value.dayKey;
    copy.dayCount = value.dayCount;
    copy.weekKey = value.weekKey;
    copy.weekCount = value.weekCount;
    copy.lastAssignedAt = value.lastAssignedAt;
    this.present[slot] = true;
    return this;
  }

  override delete(id: string): boolean {
    const slot = this.slotById.get(id);
    if (slot !== undefined) this.present[slot] = false;
    return super.delete(id);
  }

  override clear(): void {
    this.present.fill(false);
    super.clear();
  }

  /** The slots of `ids`, remembered per array: pass the same array every time. */
  slotsOf(ids: readonly string[]): Int32Array {
    let slots = this.slotMemo.get(ids);
    if (slots === undefined) {
      slots = Int32Array.from(ids, (id) => this.slot(id));
      this.slotMemo.set(ids, slots);
    }
    return slots;
  }

  /**
   * The state in `slot` (see `slotsOf`), as a copy that the next `set` of that owner overwrites:
   * read it at once, never keep it.
   */
  at(slot: number): OwnerState | undefined {
    return this.present[slot] ? this.copies[slot] : undefined;
  }

  private slot(id: string): number {
    let slot = this.slotById.get(id);
    if (slot === undefined) {
      slot = this.copies.length;
      this.slotById.set(id, slot);
      this.copies.push(emptyOwnerState());
      this.present.push(false);
    }
    return slot;
  }
}

/** Writes a decision's changes into the state (each entry is a whole new value). */
export function applyStateChanges(
  state: { pools: Map<string, PoolState>; owners: Map<string, OwnerState> },
  changes: StateChanges,
): void {
  // forEach with the target map as `this`: no iterator, entry pair or closure per decision.
  changes.pools.forEach(setIn, state.pools);
  changes.owners.forEach(setIn, state.owners);
}

function setIn<V>(this: Map<string, V>, value: V, key: string): void {
  this.set(key, value);
}

/** Frozen: written to only by mistake, which then throws. */
const NO_ENTRIES = Object.freeze([]) as never[];

/**
 * The entries one decision changes, in the order written: a read-only map to everyone else. A
 * decision touches one pool and one owner at most, for which a Map's hash table is mostly empty
 * space allocated for every lead; two short lists searched in order cost less.
 */
export class ChangeMap<V> implements ReadonlyMap<string, V> {
  // Shared empty lists until the first write, which makes one-element lists (an empty list's
  // first push would reserve room for sixteen).
  private keyList: string[] = NO_ENTRIES;
  private valueList: V[] = NO_ENTRIES;

  get size(): number {
    return this.keyList.length;
  }

  get(key: string): V | undefined {
    const i = this.keyList.indexOf(key);
    return i < 0 ? undefined : this.valueList[i];
  }

  has(key: string): boolean {
    return this.keyList.includes(key);
  }

  /** Adds or replaces the entry of `key` (the engine's, while deciding). */
  set(key: string, value: V): this {
    if (this.keyList === NO_ENTRIES) {
      this.keyList = [key];
      this.valueList = [value];
      return this;
    }
    const i = this.keyList.indexOf(key);
    if (i < 0) {
      this.keyList.push(key);
      this.valueList.push(value);
    } else {
      this.valueList[i] = value;
    }
    return this;
  }

  forEach(
    visit: (value: V, key: string, map: ReadonlyMap<string, V>) => void,
    thisArg?: unknown,
  ): void {
    for (let i = 0; i < this.keyList.length; i++)
      visit.call(thisArg, this.valueList[i]!, this.keyList[i]!, this);
  }

  keys(): MapIterator<string> {
    return this.keyList.values();
  }

  values(): MapIterator<V> {
    return this.valueList.values();
  }

  entries(): MapIterator<[string, V]> {
    return this.keyList.map((key, i): [string, V] => [key, this.valueList[i]!]).values();
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}
