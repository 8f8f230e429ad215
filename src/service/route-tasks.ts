/**
 * Routing inside a transaction, exactly, with any number of instances on one database.
 *
 * 1. Route every task on this process's last known state (a snapshot; no lock, maybe stale) to
 *    learn which pool and owner rows the decisions touch.
 * 2. Lock those rows (`SELECT … FOR UPDATE`: pools, then owners, each in id order) and read their
 *    committed values; read the other candidates' rows without locking.
 * 3. Route again on the fresh values. If a decision now touches an owner row not yet locked whose
 *    id sorts after every locked one, lock it too and route again; anything else (a new pool, an
 *    owner sorting earlier) would break the global lock order, so the transaction restarts with
 *    the larger set from the start ({@link LockRetry}). The number of rounds is bounded: the sets
 *    only grow, and the caller finally locks every row the policy can touch.
 * 4. Return the changed rows; the caller writes them with the leads and decisions, and commits.
 *
 * Rotation stays exact because the pool row is locked while its cursor moves; caps hold because
 * the chosen owner's row is locked and re-read before the decision is final. A hot pool
 * serialises on its own row only.
 */
import type { Kysely } from 'kysely';
import {
  applyStateChanges,
  releaseOpenLead,
  routeLead,
  type Decision,
  type DerivedLead,
  type Lead,
  type OwnerState,
  type PoolState,
} from '../engine/index.ts';
import { findOwnersByEmail } from '../store/leads-repo.ts';
import {
  ensureOwnerRows,
  ensurePoolRows,
  lockOwnerStates,
  lockAndReadStates,
  readOwnerStates,
  readPoolStates,
} from '../store/routing-state-repo.ts';
import type { Database } from '../store/schema.ts';
import { RestartTransaction } from '../store/transaction.ts';
import type { RoutingContext } from './routing-cache.ts';

/** One lead to route in a transaction. */
export interface RoutingTask {
  lead: Lead;
  /** The lead derived for the batch's policy and accounts, if already done (see `RouteInput`). */
  derived?: DerivedLead;
  /** Lower-cased email, for the `sticky` target. */
  emailNorm?: string;
  /** Owner whose open load this lead gives back before it is routed again. */
  releaseOwner?: string;
  /** `performance.now()` when the request arrived: decision latency counts from here. */
  receivedAt: number;
}

export interface RoutedTask {
  decision: Decision;
  /** From the request's arrival to the decision, in microseconds. */
  latencyUs: number;
}

/** Rows to lock; also the hint a restarted transaction starts from. */
export interface LockSet {
  pools: Set<string>;
  owners: Set<string>;
}

/** The transaction must restart and lock `locks` from the start, in order (restart reason `locks`). */
export class LockRetry extends RestartTransaction {
  constructor(readonly locks: LockSet) {
    super('locks', 'routing touched rows outside the locked set');
    this.name = 'LockRetry';
  }
}

/**
 * This process's last known routing state. Only a guess for the first pass: every value a
 * decision depends on is re-read under lock.
 */
export class StateSnapshot {
  readonly pools = new Map<string, PoolState>();
  readonly owners = new Map<string, OwnerState>();
  /** Rows known to exist (created by an earlier, committed transaction). */
  readonly poolRows = new Set<string>();
  readonly ownerRows = new Set<string>();
  private loaded = false;

  /** Reads every state row once, on first use. */
  async load(db: Kysely<Database>): Promise<void> {
    if (this.loaded) return;
    const [pools, owners] = [
      await readPoolStates(db, undefined),
      await readOwnerStates(db, undefined),
    ];
    this.absorb(pools, owners);
    this.markRows({ pools: new Set(pools.keys()), owners: new Set(owners.keys()) });
    this.loaded = true;
  }

  /** Takes newer values read from, or committed to, the database. */
  absorb(pools: ReadonlyMap<string, PoolState>, owners: ReadonlyMap<string, OwnerState>): void {
    for (const [id, s] of pools) this.pools.set(id, s);
    for (const [id, s] of owners) this.owners.set(id, s);
  }

  markRows(locks: LockSet): void {
    for (const id of locks.pools) this.poolRows.add(id);
    for (const id of locks.owners) this.ownerRows.add(id);
  }
}

export interface RouteTasksResult {
  routed: RoutedTask[];
  /** Rows the decisions changed: the caller writes them (with the leads, in one statement). */
  changedPools: Map<string, PoolState>;
  changedOwners: Map<string, OwnerState>;
  /** The final value of every locked row (to absorb into the snapshot after commit). */
  pools: Map<string, PoolState>;
  owners: Map<string, OwnerState>;
  locks: LockSet;
}

/** Most rounds of "lock more owners and route again" inside one transaction. */
const MAX_ROUNDS = 4;

/**
 * Routes the tasks in order inside `tx` (each sees the state the previous ones left) and returns
 * the decisions and the state rows they change, which the caller must write before committing. Throws {@link LockRetry} when the transaction must
 * restart with more locks.
 */
export async function routeTasks(
  tx: Kysely<Database>,
  tasks: readonly RoutingTask[],
  ctx: RoutingContext,
  now: number,
  snapshot: StateSnapshot,
  hint: LockSet,
): Promise<RouteTasksResult> {
  const { policy } = ctx;
  const emails = ctx.policy.usesSticky
    ? [...new Set(tasks.map((t) => t.emailNorm).filter((e): e is string => !!e))]
    : [];
  const ownerByEmail = emails.length ? await findOwnersByEmail(tx, emails) : undefined;

  // Pass 1, on the snapshot: which rows will the decisions touch?
  const locks: LockSet = { pools: new Set(hint.pools), owners: new Set(hint.owners) };
  runPass(
    tasks,
    ctx,
    now,
    { pools: new Map(snapshot.pools), owners: new Map(snapshot.owners) },
    ownerByEmail,
    false,
    (changes) => {
      for (const id of changes.pools.keys()) locks.pools.add(id);
      for (const id of changes.owners.keys()) locks.owners.add(id);
    },
  );
  for (const t of tasks) if (t.releaseOwner) locks.owners.add(t.releaseOwner);

  const newPoolRows = [...locks.pools].filter((id) => !snapshot.poolRows.has(id));
  const newOwnerRows = [...locks.owners].filter((id) => !snapshot.ownerRows.has(id));
  if (newPoolRows.length) await ensurePoolRows(tx, newPoolRows.sort());
  if (newOwnerRows.length) await ensureOwnerRows(tx, newOwnerRows.sort());

  // Candidates whose rows are not locked still feed caps and least-loaded choices: read them fresh.
  const candidates = new Set<string>();
  for (const poolId of locks.pools)
    for (const m of policy.pools.get(poolId)?.members ?? []) candidates.add(m.ownerId);
  for (const id of locks.owners) candidates.delete(id);
  const state = await lockAndReadStates(
    tx,
    { pools: [...locks.pools], owners: [...locks.owners] },
    [...candidates],
  );
  snapshot.absorb(new Map(), state.unlocked);
  const lockedPools = state.pools;
  const lockedOwners = state.owners;

  for (let round = 0; ; round++) {
    const pools = new Map(snapshot.pools);
    // A locked row with no state yet (just created) must read as empty, whatever the snapshot says.
    for (const id of locks.pools) pools.delete(id);
    for (const [id, s] of lockedPools) pools.set(id, s);
    const owners = new Map(snapshot.owners);
    for (const [id, s] of lockedOwners) owners.set(id, s);
    const startPools = new Map(pools);
    const startOwners = new Map(owners);

    const outside: LockSet = { pools: new Set(), owners: new Set() };
    const routed = runPass(tasks, ctx, now, { pools, owners }, ownerByEmail, true, (changes) => {
      for (const id of changes.pools.keys()) if (!locks.pools.has(id)) outside.pools.add(id);
      for (const id of changes.owners.keys()) if (!locks.owners.has(id)) outside.owners.add(id);
    });

    if (outside.pools.size === 0 && outside.owners.size === 0) {
      const changedPools = new Map<string, PoolState>();
      for (const id of locks.pools) {
        const s = pools.get(id);
        if (s && s !== startPools.get(id)) changedPools.set(id, s);
      }
      const changedOwners = new Map<string, OwnerState>();
      for (const id of locks.owners) {
        const s = owners.get(id);
        if (s && s !== startOwners.get(id)) changedOwners.set(id, s);
      }
      const finalPools = new Map<string, PoolState>();
      for (const id of locks.pools) {
        const s = pools.get(id);
        if (s) finalPools.set(id, s);
      }
      const finalOwners = new Map<string, OwnerState>();
      for (const id of locks.owners) {
        const s = owners.get(id);
        if (s) finalOwners.set(id, s);
      }
      // The next batch's first pass starts from here, even before this one commits: the snapshot is
      // only a guess, and guessing that this batch commits makes the next one's guess right.
      snapshot.absorb(finalPools, finalOwners);
      return { routed, pools: finalPools, owners: finalOwners, changedPools, changedOwners, locks };
    }

    const union: LockSet = {
      pools: new Set([...locks.pools, ...outside.pools]),
      owners: new Set([...locks.owners, ...outside.owners]),
    };
    const highest = [...locks.owners].sort().at(-1);
    const inOrder =
      outside.pools.size === 0 &&
      [...outside.owners].every((id) => highest === undefined || id > highest);
    if (!inOrder || round + 1 >= MAX_ROUNDS) {
      snapshot.absorb(lockedPools, lockedOwners);
      throw new LockRetry(union);
    }
    // Locking owners that sort after every held one keeps the global order: no deadlock.
    const extra = [...outside.owners].sort();
    const missing = extra.filter((id) => !snapshot.ownerRows.has(id));
    if (missing.length) await ensureOwnerRows(tx, missing);
    for (const [id, s] of await lockOwnerStates(tx, extra)) lockedOwners.set(id, s);
    for (const id of extra) locks.owners.add(id);
  }
}

/** Routes the tasks in order on `state`, applying each decision's changes before the next. */
function runPass(
  tasks: readonly RoutingTask[],
  ctx: RoutingContext,
  now: number,
  state: { pools: Map<string, PoolState>; owners: Map<string, OwnerState> },
  ownerByEmail: ReadonlyMap<string, string> | undefined,
  explain: boolean,
  onChanges: (changes: {
    pools: ReadonlyMap<string, PoolState>;
    owners: ReadonlyMap<string, OwnerState>;
  }) => void,
): RoutedTask[] {
  const emails = ownerByEmail ? new Map(ownerByEmail) : undefined;
  const out: RoutedTask[] = [];
  for (const task of tasks) {
    if (task.releaseOwner) {
      const current = state.owners.get(task.releaseOwner);
      if (current) {
        const released = releaseOpenLead(current);
        state.owners.set(task.releaseOwner, released);
        onChanges({ pools: new Map(), owners: new Map([[task.releaseOwner, released]]) });
      }
    }
    const { decision, changes } = routeLead(ctx.policy, task.lead, {
      directory: ctx.directory,
      accounts: ctx.accounts,
      state: { pools: state.pools, owners: state.owners, ownerByEmail: emails },
      now,
      explain,
      derived: task.derived,
    });
    applyStateChanges(state, changes);
    onChanges(changes);
    if (emails && task.emailNorm && decision.outcome === 'assigned' && decision.ownerId)
      emails.set(task.emailNorm, decision.ownerId);
    out.push({
      decision,
      latencyUs: explain ? Math.round((performance.now() - task.receivedAt) * 1000) : 0,
    });
  }
  return out;
}
