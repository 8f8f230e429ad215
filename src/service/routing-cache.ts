/**
 * What routing reads that changes rarely, cached per process: the compiled policy versions and
 * their schedule, the owner directory and the account index. Before each batch one query reads the
 * change counters; whatever another instance (or this one) changed since is reloaded.
 *
 * The schedule holds every published version with its effective date, including future ones, so a
 * version dated in the future takes over at that instant on every instance, with no restart and
 * no query at the boundary.
 */
import type { Kysely } from 'kysely';
import {
  buildAccountIndex,
  compilePolicy,
  formatIssue,
  type AccountIndex,
  type CompiledPolicy,
  type Directory,
  type Owner,
} from '../engine/index.ts';
import { listAllAccounts } from '../store/accounts-repo.ts';
import { listAllOwners } from '../store/owners-repo.ts';
import { findPolicyVersion, listSchedule, type ScheduledVersion } from '../store/policies-repo.ts';
import type { Database } from '../store/schema.ts';
import { readVersions, type StoreVersions } from '../store/versions-repo.ts';
import { listActiveEventTypes } from '../store/webhook-events-repo.ts';

import { fromIssues, ServiceError } from './errors.ts';

/** Everything a routing decision reads besides the routing state. */
export interface RoutingContext {
  policy: CompiledPolicy;
  directory: Directory;
  accounts?: AccountIndex;
}

export class RoutingCache {
  private versions: StoreVersions | undefined;
  private directory: Directory = { owners: new Map() };
  private accounts: AccountIndex | undefined;
  private schedule: ScheduledVersion[] = [];
  /** Event types some active webhook subscription asked for (`*` for all): see src/service/events.ts. */
  private eventTypes: ReadonlySet<string> = new Set();
  private readonly compiled = new Map<string, CompiledPolicy>();
  private started = 0;
  private applied = 0;

  private lastCheck = -Infinity;
  private stale = true;

  /**
   * @param ttlMs how long the change counters read before a batch stay trusted. 0 reads them before
   *   every batch; a few milliseconds saves a round trip per batch under load, and bounds how long
   *   a change made on another instance takes to reach this one. Changes made through this
   *   instance mark the cache stale at once.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ttlMs = 0,
  ) {}

  /** Something changed through this instance: check the counters before the next use. */
  markStale(): void {
    this.stale = true;
  }

  /** Refreshes unless the counters were read less than the TTL ago and nothing changed here since. */
  async refreshIfStale(): Promise<void> {
    if (!this.stale && performance.now() - this.lastCheck < this.ttlMs) return;
    await this.refresh();
  }

  /**
   * Reloads whatever changed since the last call (one small query when nothing did). Calls may
   * overlap; a reload started earlier never overwrites what a later one loaded.
   */
  async refresh(): Promise<void> {
    const ticket = ++this.started;
    const checkedAt = performance.now();
    this.stale = false;
    const next = await readVersions(this.db);
    const prev = this.versions;
    const owners = !prev || prev.owners !== next.owners ? await listAllOwners(this.db) : undefined;
    const accounts =
      !prev || prev.accounts !== next.accounts ? await listAllAccounts(this.db) : undefined;
    const schedule =
      !prev || prev.policies !== next.policies ? await listSchedule(this.db) : undefined;
    const eventTypes =
      !prev || prev.webhooks !== next.webhooks ? await listActiveEventTypes(this.db) : undefined;
    if (ticket < this.applied) return;
    this.applied = ticket;
    this.lastCheck = checkedAt;
    if (owners) this.directory = { owners: new Map(owners.map((o) => [o.id, stripRecord(o)])) };
    if (accounts) this.accounts = accounts.length ? buildAccountIndex(accounts) : undefined;
    if (schedule) this.schedule = schedule;
    if (eventTypes) this.eventTypes = eventTypes;
    this.versions = next;
  }

  /** Forgets the counters so the next refresh reloads everything. */
  invalidate(): void {
    this.versions = undefined;
  }

  /** The id of the published version in force at `at`, if any. */
  versionIdAt(at: number): string | undefined {
    let found: ScheduledVersion | undefined;
    // Sorted by effective date then id: the last entry not after `at` wins.
    for (const entry of this.schedule) {
      if (entry.effectiveFrom > at) break;
      found = entry;
    }
    return found?.id;
  }

  /** When the next scheduled version after `at` takes effect, if one is scheduled. */
  nextChangeAfter(at: number): number | undefined {
    return this.schedule.find((e) => e.effectiveFrom > at)?.effectiveFrom;
  }

  /** Compiled policy of a version (published or draft), compiled once per version. */
  async compiledVersion(id: string): Promise<CompiledPolicy> {
    const cached = this.compiled.get(id);
    if (cached) return cached;
    const record = await findPolicyVersion(this.db, id);
    if (!record) throw new ServiceError('not_found', `policy version ${id} not found`);
    const { policy, issues } = compilePolicy(record.document, { version: id });
    if (!policy) {
      // Published versions were valid when published; an engine upgrade may disagree.
      throw fromIssues(issues, {
        code: 'policy_invalid',
        message: `policy version ${id} no longer compiles`,
        describe: formatIssue,
      });
    }
    // Drafts change in place: only published versions are immutable and safe to keep.
    if (record.status === 'published') this.compiled.set(id, policy);
    return policy;
  }

  /** The routing context at `now`, after a refresh; throws `unavailable` when no policy is in force. */
  async contextAt(now: number): Promise<RoutingContext> {
    await this.refreshIfStale();
    const id = this.versionIdAt(now);
    if (id === undefined) {
      throw new ServiceError(
        'unavailable',
        this.schedule.length
          ? `no policy version is in force yet: the first takes effect at ${new Date(this.schedule[0]!.effectiveFrom).toISOString()}`
          : 'no policy version is published: create one with POST /v1/policies and publish it with POST /v1/policies/{id}/publish',
      );
    }
    const policy = await this.compiledVersion(id);
    return {
      policy,
      directory: this.directory,
      accounts: this.accounts,
    };
  }

  /** Event types with an active subscription, as of the last refresh. */
  activeEventTypes(): ReadonlySet<string> {
    return this.eventTypes;
  }

  currentDirectory(): Directory {
    return this.directory;
  }
}

/** The engine's Owner without the record's timestamps. */
function stripRecord<T extends Owner>(record: T): Owner {
  const {
    createdAt: _c,
    updatedAt: _u,
    ...owner
  } = record as T & { createdAt?: string; updatedAt?: string };
  return owner;
}
