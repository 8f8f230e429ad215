/**
 * The owner directory and owners' availability. Owners are written in the shape of the owners
 * file (`examples/owners.yaml`: snake_case keys, times in the owner's zone unless they carry an
 * offset) and read by the same reader, so a file and the API never disagree; they are returned as
 * records, which the API shapes for the wire.
 */
import type { Kysely } from 'kysely';
import {
  checkAvailability,
  nextAvailableAt,
  type AvailabilityStatus,
  type Owner,
  type OwnerState,
} from '../engine/index.ts';
import { parseOwners, readOwners, writeOwner, type OwnersFormat } from '../formats/owners.ts';
import { findOwner, listOwnersPage, upsertOwners, type OwnerRecord } from '../store/owners-repo.ts';
import { moveDeadlinesOf } from './lifecycle/sla-timers.ts';
import { findExistingIds } from '../store/records.ts';
import { readOwnerStates } from '../store/routing-state-repo.ts';
import type { Database } from '../store/schema.ts';
import { alreadyExists, checkSameId, withoutNulls, writeThenNotify } from './directory.ts';
import { invalid, notFound, readOrFail } from './errors.ts';
import {
  checkTeamScope,
  recordChange,
  SYSTEM_CONTEXT,
  type RequestContext,
} from './access/context.ts';
import { decodeId, toPage, type Page } from './pages.ts';

/** An owner with its routing counters, once it has any (open leads, this day's and week's count). */
export interface OwnerWithLoad extends OwnerRecord {
  load?: OwnerState;
}

/** Whether an owner can take a lead at `at`, and if not, until when and when next. */
export interface OwnerAvailability {
  ownerId: string;
  at: number;
  status: 'available' | Exclude<AvailabilityStatus, 'eligible'>;
  until: number | undefined;
  nextAvailableAt: number | undefined;
}

/** Created and updated counts of a bulk write. */
export interface BulkResult {
  created: number;
  updated: number;
  count: number;
}

export class OwnerService {
  /** @param onChange called after every committed change (the routing cache marks itself stale). */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => number,
    private readonly onChange: () => void = () => undefined,
  ) {}

  async listOwners(options: {
    cursor?: string;
    limit: number;
    team?: string;
    active?: boolean;
  }): Promise<Page<OwnerWithLoad>> {
    const afterId = options.cursor ? decodeId(options.cursor) : undefined;
    const rows = await listOwnersPage(this.db, { ...options, afterId, limit: options.limit + 1 });
    const page = toPage(rows, options.limit);
    return { ...page, items: await withLoad(this.db, page.items) };
  }

  async getOwner(id: string): Promise<OwnerWithLoad> {
    const owner = await findOwner(this.db, id);
    if (!owner) throw notFound('owner', id);
    return (await withLoad(this.db, [owner]))[0]!;
  }

  /** Creates one owner (owners-file values); 409 when the id exists. */
  async createOwner(
    values: Record<string, unknown>,
    ctx: RequestContext = SYSTEM_CONTEXT,
  ): Promise<OwnerRecord> {
    const owner = readOne(values);
    return writeThenNotify(this.db, this.onChange, async (tx) => {
      const [created] = await upsertOwners(tx, [owner], { onlyNew: true });
      if (!created) throw alreadyExists('owner', owner.id);
      await recordChange(tx, ctx, {
        action: 'owner.create',
        target: { type: 'owner', id: created.id },
        after: writeOwner(created),
      });
      return created;
    });
  }

  /** Changes some fields of an owner (owners-file keys); a key set to null is cleared. */
  async updateOwner(
    id: string,
    patch: Record<string, unknown>,
    ctx: RequestContext = SYSTEM_CONTEXT,
    action = 'owner.update',
  ): Promise<OwnerWithLoad> {
    checkSameId('owner', id, patch);
    return writeThenNotify(this.db, this.onChange, async (tx) => {
      const current = await findOwner(tx, id);
      if (!current) throw notFound('owner', id);
      // A manager changes only the availability of its own team's owners.
      checkTeamScope(ctx, 'owners:availability', current.team, `owner ${JSON.stringify(id)}`);
      const [saved] = await upsertOwners(tx, [readOne({ ...writeOwner(current), ...patch, id })]);
      await moveDeadlinesOf(tx, [saved!]);
      await recordChange(tx, ctx, {
        action,
        target: { type: 'owner', id },
        before: writeOwner(current),
        after: writeOwner(saved!),
      });
      return (await withLoad(tx, [saved!]))[0]!;
    });
  }

  /**
   * Creates or replaces many owners given as owners-file values (a request's JSON) in one
   * transaction; nothing is written if any is invalid.
   */
  async upsertOwners(
    values: readonly unknown[],
    ctx: RequestContext = SYSTEM_CONTEXT,
  ): Promise<BulkResult> {
    const owners = readOrFail(() => readOwners(values.map(withoutNulls)), {
      message: (n) => `invalid owners: ${n} problem(s)`,
    });
    return this.save(owners, ctx);
  }

  /** Creates or replaces the owners of an owners file, all or nothing. */
  async importOwners(
    text: string,
    format: OwnersFormat,
    ctx: RequestContext = SYSTEM_CONTEXT,
  ): Promise<BulkResult> {
    return this.save(
      readOrFail(() => parseOwners(text, format), { message: 'invalid owners' }),
      ctx,
    );
  }

  private async save(owners: readonly Owner[], ctx: RequestContext): Promise<BulkResult> {
    return writeThenNotify(this.db, this.onChange, async (tx) => {
      const ids = owners.map((o) => o.id);
      const existing = await findExistingIds(tx, 'owners', ids);
      const saved = await upsertOwners(tx, owners);
      await moveDeadlinesOf(tx, owners);
      const result = {
        created: ids.length - existing.size,
        updated: existing.size,
        count: ids.length,
      };
      // One entry for the upload: which owners it created and replaced, and what they are now.
      await recordChange(tx, ctx, {
        action: 'owner.bulk_upsert',
        target: { type: 'owner', id: null },
        after: saved.map(writeOwner),
        details: {
          ...result,
          created_ids: ids.filter((id) => !existing.has(id)),
          updated_ids: ids.filter((id) => existing.has(id)),
        },
      });
      return result;
    });
  }

  /** Pauses an owner (until a time, or until resumed). */
  async pauseOwner(
    id: string,
    until?: string,
    ctx: RequestContext = SYSTEM_CONTEXT,
  ): Promise<OwnerWithLoad> {
    if (until !== undefined && Date.parse(until) <= this.clock()) {
      throw invalid('a pause ends in the future', [
        {
          path: 'until',
          message: `must be after now (${new Date(this.clock()).toISOString()}); to pause until resumed, leave it out`,
        },
      ]);
    }
    return this.updateOwner(id, { paused: true, paused_until: until ?? null }, ctx, 'owner.pause');
  }

  async resumeOwner(id: string, ctx: RequestContext = SYSTEM_CONTEXT): Promise<OwnerWithLoad> {
    return this.updateOwner(id, { paused: false, paused_until: null }, ctx, 'owner.resume');
  }

  /** Adds an out-of-office window; past windows are dropped on the way. */
  async addOutOfOffice(
    id: string,
    window: { from: string; until: string; reason?: string },
    ctx: RequestContext = SYSTEM_CONTEXT,
  ): Promise<OwnerWithLoad> {
    const current = await findOwner(this.db, id);
    if (!current) throw notFound('owner', id);
    const now = this.clock();
    const windows = (writeOwner(current).out_of_office ?? []).filter(
      (w) => Date.parse(w.until) > now,
    );
    return this.updateOwner(
      id,
      { out_of_office: [...windows, window] },
      ctx,
      'owner.out_of_office',
    );
  }

  /** Whether the owner can take a lead at `at` (working hours counted), and if not, until when. */
  async checkOwnerAvailability(id: string, at?: number): Promise<OwnerAvailability> {
    const owner = await findOwner(this.db, id);
    if (!owner) throw notFound('owner', id);
    const when = at ?? this.clock();
    const check = checkAvailability(owner, when, true);
    return {
      ownerId: id,
      at: when,
      status: check.status === 'eligible' ? 'available' : check.status,
      until: check.until,
      nextAvailableAt: check.status === 'eligible' ? when : nextAvailableAt(owner, when, true),
    };
  }
}

/** One owner's values, read as the owners file reads them; paths name the owner's own keys. */
function readOne(values: Record<string, unknown>): Owner {
  const [owner] = readOrFail(() => readOwners([withoutNulls(values)], { root: () => '' }), {
    message: 'invalid owner',
  });
  return owner!;
}

/** The owners with their routing counters. */
async function withLoad(
  db: Kysely<Database>,
  owners: readonly OwnerRecord[],
): Promise<OwnerWithLoad[]> {
  const states = await readOwnerStates(
    db,
    owners.map((o) => o.id),
  );
  return owners.map((o) => {
    const load = states.get(o.id);
    return load ? { ...o, load } : o;
  });
}
