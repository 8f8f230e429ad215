/** Wakes the timer runner after commits that scheduled timers. */
/**
 * Who to tell that timers were committed: the server connects the timer runner's `nudge` here, so
 * that a deadline sooner than the runner's next sweep is not late.
 */
export class TimerSignal {
  private listener: ((dueAt: number) => void) | undefined;
  /** Connects the listener (one; the timer runner). */
  connect(listener: (dueAt: number) => void): void {
    this.listener = listener;
  }
  /** Tells the listener, if any, of a committed timer due at `dueAt`. */
  notify(dueAt: number | undefined): void {
    if (dueAt !== undefined) this.listener?.(dueAt);
  }
}
