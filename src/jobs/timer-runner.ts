/**
 * The timer runner: sweeps due durable timers in small batches and fires each through the handler
 * registered for its kind, in the transaction that deletes the timer. A handler's effects are rows
 * under unique constraints (an SLA event, an escalation), so a timer fires once in effect: if the
 * process dies mid-batch nothing of the batch commits and the timers fire at the next sweep, here or
 * on another instance; several instances skip each other's locked timers.
 *
 * The runner knows nothing of the database: the store hands it a {@link TimerStore} at wiring
 * time (src/store/timers-repo.ts `createTimerStore`), and `Tx` is whatever transaction that store
 * gives the handlers.
 */
import type { StoredTimer } from '../service/index.ts';
import type { JobsMetrics } from './metrics.ts';

/** A timer that fell due, as the store hands it to a handler. */
export type DueTimer = StoredTimer;

/** What a handler may ask of the batch besides its transaction. */
export interface FireContext {
  /** Runs `fn` once the batch has committed (metrics, nudging the webhook dispatcher). */
  afterCommit(fn: () => void): void;
}

/** Fires one timer: every effect goes through `tx`. Throwing leaves the timer to fire again later. */
export type TimerHandler<Tx> = (tx: Tx, timer: DueTimer, context: FireContext) => Promise<void>;

/** Outcome of one firing inside a batch. */
export interface FireOutcome {
  timer: DueTimer;
  /** Set when the handler threw: the timer was moved to `retryAt`. */
  error?: unknown;
  retryAt?: Date;
}

/** The store side of the runner, implemented over the `timers` table. */
export interface TimerStore<Tx> {
  /**
   * In one transaction: claims up to `limit` timers due at `now` (in due order, skipping timers
   * locked by another instance), calls `fire` for each in a savepoint, deletes those that fired and
   * moves those that threw to `retryAt(timer)`; then commits. Returns each timer's outcome.
   */
  fireDue(
    now: Date,
    limit: number,
    fire: (tx: Tx, timer: DueTimer) => Promise<void>,
    retryAt: (timer: DueTimer, error: unknown) => Date,
  ): Promise<FireOutcome[]>;
  /** The earliest due time of any timer, or null when there is none. */
  nextDueAt(): Promise<Date | null>;
  /** Timers waiting (for the pending gauge). */
  countPending(): Promise<number>;
}

export interface TimerRunnerOptions<Tx> {
  store: TimerStore<Tx>;
  /** Timers per transaction (default 100). */
  batchSize?: number;
  /** Sleep between sweeps when nothing is due (default 200 ms). */
  pollMs?: number;
  /** Sweeps in flight at once (default 1; PGlite has one connection, PostgreSQL may use 2). */
  concurrency?: number;
  /** The clock (default Date.now). */
  now?: () => number;
  metrics?: JobsMetrics;
  /** A sweep that failed (the database is unreachable…); the runner waits and goes on. */
  onError?: (error: unknown) => void;
  /** A handler that threw: the timer is retried at `retryAt`. */
  onTimerError?: (timer: DueTimer, error: unknown, retryAt: Date) => void;
  /** Delay before a timer whose handler threw fires again (default exponential, 1 s to 15 min). */
  retryDelayMs?: (attempts: number) => number;
}

export interface TimerRunner<Tx> {
  /** Registers the handler of a timer kind (one per kind). */
  on(kind: string, handler: TimerHandler<Tx>): this;
  /** Starts sweeping; timers that fell due while no instance ran fire at once. */
  start(): void;
  /**
   * Wakes the runner: now, or by `dueAt` when that is sooner than its next sweep. Call it after
   * committing a timer due before the next poll.
   */
  nudge(dueAt?: Date | number): void;
  /** Stops sweeping and waits for the batches in flight to commit. */
  stop(): Promise<void>;
  /** Sweeps until nothing is due (tests, and draining at shutdown). Returns timers fired. */
  drain(): Promise<number>;
  readonly running: boolean;
}

const defaultRetryDelay = (attempts: number): number =>
  Math.min(15 * 60_000, 1000 * 2 ** Math.min(attempts, 20));

/** Creates a timer runner over a store; register handlers with `on`, then `start`. */
export function createTimerRunner<Tx>(options: TimerRunnerOptions<Tx>): TimerRunner<Tx> {
  const store = options.store;
  const batchSize = options.batchSize ?? 100;
  const pollMs = options.pollMs ?? 200;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const now = options.now ?? Date.now;
  const retryDelay = options.retryDelayMs ?? defaultRetryDelay;
  const handlers = new Map<string, TimerHandler<Tx>>();
  let running = false;
  /** Sweep loops waiting for their next sweep: each wakes at `at`, or sooner when nudged. */
  const sleepers = new Set<{ at: number; timer: NodeJS.Timeout; resolve: () => void }>();
  const loops: Promise<void>[] = [];

  if (options.metrics) options.metrics.onCollectPendingTimers(() => store.countPending());

  /** One batch; returns how many timers it claimed. */
  async function sweepOnce(): Promise<number> {
    const after: (() => void)[] = [];
    const context: FireContext = { afterCommit: (fn) => after.push(fn) };
    const outcomes = await store.fireDue(
      new Date(now()),
      batchSize,
      async (tx, due) => {
        const handler = handlers.get(due.kind);
        if (!handler) throw new Error(`no handler for timer kind ${JSON.stringify(due.kind)}`);
        await handler(tx, due, context);
      },
      (due) => new Date(now() + retryDelay(due.attempts)),
    );
    const committedAt = now();
    for (const outcome of outcomes) {
      if (outcome.error === undefined) {
        options.metrics?.observeTimerFired(
          outcome.timer.kind,
          Math.max(0, committedAt - outcome.timer.dueAt.getTime()) / 1000,
        );
      } else {
        options.metrics?.recordTimerFailure(outcome.timer.kind);
        options.onTimerError?.(outcome.timer, outcome.error, outcome.retryAt ?? new Date());
      }
    }
    for (const fn of after) {
      try {
        fn();
      } catch (error) {
        options.onError?.(error);
      }
    }
    return outcomes.length;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        at: now() + ms,
        timer: setTimeout(() => done(), ms),
        resolve,
      };
      const done = (): void => {
        clearTimeout(sleeper.timer);
        sleepers.delete(sleeper);
        resolve();
      };
      sleeper.resolve = done;
      sleepers.add(sleeper);
    });
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (running) {
      let claimed = 0;
      try {
        claimed = await sweepOnce();
        failures = 0;
      } catch (error) {
        failures++;
        options.onError?.(error);
        if (running) await sleep(Math.min(10_000, 250 * 2 ** Math.min(failures, 6)));
        continue;
      }
      // A full batch means more may be due: sweep again at once.
      if (claimed >= batchSize || !running) continue;
      let delay = pollMs;
      try {
        const next = await store.nextDueAt();
        if (next) delay = Math.max(0, Math.min(pollMs, next.getTime() - now()));
      } catch (error) {
        options.onError?.(error);
      }
      if (running) await sleep(delay);
    }
  }

  const runner: TimerRunner<Tx> = {
    on(kind, handler) {
      if (handlers.has(kind)) throw new Error(`timer kind ${JSON.stringify(kind)} has a handler`);
      handlers.set(kind, handler);
      return runner;
    },
    start() {
      if (running) return;
      running = true;
      for (let i = 0; i < concurrency; i++) loops.push(loop());
    },
    nudge(dueAt) {
      const at = dueAt === undefined ? now() : typeof dueAt === 'number' ? dueAt : dueAt.getTime();
      const delay = Math.max(0, at - now());
      for (const sleeper of sleepers) {
        if (at >= sleeper.at) continue;
        clearTimeout(sleeper.timer);
        sleeper.at = at;
        sleeper.timer = setTimeout(() => sleeper.resolve(), delay);
      }
    },
    async stop() {
      running = false;
      for (const sleeper of [...sleepers]) sleeper.resolve();
      await Promise.all(loops.splice(0));
    },
    async drain() {
      let total = 0;
      for (;;) {
        const n = await sweepOnce();
        total += n;
        if (n < batchSize) return total;
      }
    },
    get running() {
      return running;
    },
  };
  return runner;
}
