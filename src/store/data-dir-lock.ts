/**
 * An exclusive lock on an embedded data directory. PGlite is one PostgreSQL backend in one
 * process: two processes opening the same directory would each keep their own buffers and lose
 * each other's writes without a word. The lock file is created with O_EXCL and holds the owner's
 * pid and host; a lock left by a process that no longer exists (on this host) is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The directory is held by another live process. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number | undefined,
    readonly host: string | undefined,
  ) {
    const who =
      pid === undefined
        ? 'another process'
        : `process ${pid}${host && host !== hostname() ? ` on host ${host}` : ''}`;
    super(
      `data directory ${dir} is in use by ${who} (lock file ${join(dir, LOCK_FILE)}). ` +
        'Only one leadrouter process may use an embedded data directory: stop the other one, choose another directory with --data, ' +
        'or share PostgreSQL between processes with DATABASE_URL.',
    );
    this.name = 'DataDirLockedError';
  }
}

export const LOCK_FILE = 'leadrouter.lock';

interface LockContent {
  pid: number;
  host: string;
  since: string;
}

/** A held lock; `release` is idempotent and only removes the file while it is still ours. */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** Takes the lock on `dir` (creating the directory) or throws {@link DataDirLockedError} at once. */
export function lockDataDir(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const mine: LockContent = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const text = JSON.stringify(mine);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      // Two processes taking over the same stale lock could both unlink and create it; whoever
      // reads back someone else's content lost the race.
      const back = readLock(path);
      if (back && (back.pid !== mine.pid || back.host !== mine.host))
        throw new DataDirLockedError(dir, back.pid, back.host);
      return createHandle(path, text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const held = readLock(path);
    if (held && held.pid === process.pid && held.host === mine.host) {
      throw new DataDirLockedError(dir, held.pid, held.host);
    }
    if (held && (held.host !== mine.host || isAlive(held.pid)))
      throw new DataDirLockedError(dir, held.pid, held.host);
    // Stale (its process is gone) or unreadable (a crash between create and write): take it over.
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const held = readLock(path);
  throw new DataDirLockedError(dir, held?.pid, held?.host);
}

function createHandle(path: string, text: string): DataDirLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      if (readFileSync(path, 'utf8') === text) unlinkSync(path);
    } catch {
      // Already gone: nothing to release.
    }
  };
  // A process that exits without closing the store should not leave a lock behind for the next.
  process.on('exit', release);
  return { path, release };
}

function readLock(path: string): LockContent | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockContent>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return undefined;
    return { pid: value.pid, host: value.host, since: String(value.since ?? '') };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
