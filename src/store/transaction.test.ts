import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  databaseErrorKind,
  isRequestSpecificError,
  isRetryableError,
  sqlState,
} from './db-errors.ts';
import { MAX_ATTEMPTS, RestartTransaction, runTransaction } from './transaction.ts';

/** A database whose transactions run the work at once (commit and rollback are the work's end). */
const fakeDb = {
  transaction: () => ({ execute: (work: (tx: unknown) => unknown) => work({}) }),
} as unknown as Kysely<unknown>;

const dbError = (code: string) => Object.assign(new Error(`error ${code}`), { code });

describe('database errors', () => {
  it.each([
    ['40001', 'serialization', true, false],
    ['40P01', 'deadlock', true, false],
    ['22P05', 'data', false, true],
    ['23505', 'constraint', false, true],
    ['08006', 'unavailable', false, false],
    ['57P01', 'unavailable', false, false],
    ['42P01', undefined, false, false],
  ] as const)('%s is %s', (code, kind, retryable, requestSpecific) => {
    expect(databaseErrorKind(dbError(code))).toBe(kind);
    expect(isRetryableError(dbError(code))).toBe(retryable);
    expect(isRequestSpecificError(dbError(code))).toBe(requestSpecific);
  });

  it('reads no SQLSTATE from errors that are not the database’s', () => {
    expect(sqlState(new Error('x'))).toBeUndefined();
    expect(sqlState({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' })).toBeUndefined();
    expect(sqlState(null)).toBeUndefined();
    expect(databaseErrorKind(new Error('x'))).toBeUndefined();
  });
});

describe('runTransaction', () => {
  it('runs the work again after a serialisation failure, a deadlock or a requested restart', async () => {
    const failures = [dbError('40001'), dbError('40P01'), new RestartTransaction('locks', 'more')];
    const seen: Array<[string, number]> = [];
    const result = await runTransaction(
      fakeDb,
      async (_tx, attempt) => {
        const failure = failures[attempt - 1];
        if (failure) throw failure;
        return `done on attempt ${attempt}`;
      },
      { onRestart: (reason) => seen.push([reason, seen.length + 1]) },
    );
    expect(result).toBe('done on attempt 4');
    expect(seen.map(([reason]) => reason)).toEqual(['serialization', 'deadlock', 'locks']);
  });

  it('throws any other error at once', async () => {
    let attempts = 0;
    const error = dbError('23505');
    await expect(
      runTransaction(fakeDb, async () => {
        attempts++;
        throw error;
      }),
    ).rejects.toBe(error);
    expect(attempts).toBe(1);
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts, with the caller's error if it has one`, async () => {
    let attempts = 0;
    const work = async () => {
      attempts++;
      throw dbError('40001');
    };
    await expect(runTransaction(fakeDb, work)).rejects.toMatchObject({ code: '40001' });
    expect(attempts).toBe(MAX_ATTEMPTS);
    await expect(
      runTransaction(fakeDb, work, {
        maxAttempts: 2,
        giveUp: (n) => new Error(`gave up after ${n}`),
      }),
    ).rejects.toThrow('gave up after 2');
  });
});
