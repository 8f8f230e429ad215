/**
 * Transactions that start over when they lose a race: the one place that decides when a
 * transaction is run again and how often. Serialisation failures and deadlocks restart it; so does
 * work that throws {@link RestartTransaction} (routing that must lock more rows first).
 */
import type { Kysely, Transaction } from 'kysely';
import { databaseErrorKind } from './db-errors.ts';

/** Attempts at one transaction before giving up. */
export const MAX_ATTEMPTS = 8;

/** Thrown by a transaction's work to run it again from the start; `reason` names why. */
export class RestartTransaction extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'RestartTransaction';
  }
}

export interface TransactionOptions {
  /** Attempts before giving up ({@link MAX_ATTEMPTS} by default). */
  maxAttempts?: number;
  /**
   * Called for every attempt that asked for a restart (the last one too), with the reason
   * (`serialization`, `deadlock`, or a {@link RestartTransaction}'s) and the error: to count
   * restarts, or to take a hint for the next attempt.
   */
  onRestart?: (reason: string, error: unknown) => void;
  /** The error to throw when the last attempt asked for a restart; that attempt's error if unset. */
  giveUp?: (attempts: number) => Error;
}

/**
 * Runs `work` in a transaction and commits it, running it again from the start (a new transaction)
 * after a serialisation failure, a deadlock or a {@link RestartTransaction}, at most
 * `maxAttempts` times. Any other error rolls back and is thrown as is.
 */
export async function runTransaction<DB, T>(
  db: Kysely<DB>,
  work: (tx: Transaction<DB>, attempt: number) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute((tx) => work(tx, attempt));
    } catch (error) {
      const reason = restartReason(error);
      if (reason === undefined) throw error;
      options.onRestart?.(reason, error);
      if (attempt >= maxAttempts) throw options.giveUp?.(attempt) ?? error;
    }
  }
}

/** Why the transaction should run again, or undefined when it should not. */
function restartReason(error: unknown): string | undefined {
  if (error instanceof RestartTransaction) return error.reason;
  const kind = databaseErrorKind(error);
  return kind === 'serialization' || kind === 'deadlock' ? kind : undefined;
}
