/**
 * Group commit, for any work: items submitted while a commit is in flight wait and are committed
 * together in the next one. A commit costs about the same whatever its size, so throughput grows
 * with concurrency while no submission is answered before its items are durable. An idle batcher
 * starts a commit at once, so a lone submission never waits for company.
 */

export interface BatcherOptions<T, R> {
  /** Commits the items (of one or more submissions, in order): one result or error per item. */
  commit: (items: T[]) => Promise<Array<R | Error>>;
  /** Most items per commit (a submission is never split; a larger one goes alone). */
  maxBatch: number;
  /** Commits in flight at once. */
  concurrency: number;
  /**
   * Whether a failed commit of several submissions may be one submission's fault: each is then
   * committed alone, so that only the one at fault fails.
   */
  isolate: (error: unknown) => boolean;
}

/** Items submitted together: committed in one commit. */
interface Submission<T, R> {
  items: readonly T[];
  resolve: (results: Array<R | Error>) => void;
  reject: (error: unknown) => void;
}

export class Batcher<T, R> {
  private readonly queue: Array<Submission<T, R>> = [];
  private running = 0;
  private scheduled = false;

  constructor(private readonly options: BatcherOptions<T, R>) {}

  /** Commits the items together, in order; resolves once they are committed. */
  submit(items: readonly T[]): Promise<Array<R | Error>> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.pump();
    });
  }

  /**
   * Starts commits while there is room, after the current turn of the event loop: submissions
   * whose bytes arrived in the same turn join the batch instead of each starting its own (on
   * PGlite, whose work blocks the thread, batches would otherwise stay at one submission).
   */
  private pump(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.running < this.options.concurrency && this.queue.length > 0) {
        const batch = this.takeBatch();
        this.running++;
        void this.run(batch).finally(() => {
          this.running--;
          this.pump();
        });
      }
    });
  }

  /** Whole submissions, in arrival order, up to about `maxBatch` items. */
  private takeBatch(): Array<Submission<T, R>> {
    const batch: Array<Submission<T, R>> = [];
    let items = 0;
    while (
      this.queue.length > 0 &&
      (batch.length === 0 || items + this.queue[0]!.items.length <= this.options.maxBatch)
    ) {
      const next = this.queue.shift()!;
      batch.push(next);
      items += next.items.length;
    }
    return batch;
  }

  private async run(batch: Array<Submission<T, R>>): Promise<void> {
    try {
      await this.commitTogether(batch);
    } catch (error) {
      if (batch.length > 1 && this.options.isolate(error)) {
        // One submission may have failed the commit: commit each alone, so that only the one at
        // fault fails and the others' items are committed as if they had come alone.
        for (const s of batch) await this.commitTogether([s]).catch(s.reject);
      } else {
        for (const s of batch) s.reject(error);
      }
    }
  }

  /** Commits the submissions' items in one commit and resolves each with its results. */
  private async commitTogether(batch: Array<Submission<T, R>>): Promise<void> {
    const results = await this.options.commit(batch.flatMap((s) => s.items));
    let at = 0;
    for (const s of batch) {
      s.resolve(results.slice(at, at + s.items.length));
      at += s.items.length;
    }
  }
}
