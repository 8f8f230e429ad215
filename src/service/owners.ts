/**
 * The owner directory and owners' availability. Owners are read and written in the same shape as
 * the owners file (`examples/owners.yaml`: snake_case keys, times in the owner's zone unless they
 * carry an offset), and validated by the same parser, so a file and the API never disagree.
 */
import type { Kysely } from 'kysely';
import {
  checkAvailability,
  nextAvailableAt,
  ValidationError,
  type Owner,
  type OwnerState,
} from '../engine/index.ts';
import type { AvailabilityStatus } from '../engine/availability.ts';
import { parseOwners } from '../formats/owners.ts';
import {
  findExistingOwnerIds,
  findOwner,
  listOwnersPage,
  upsertOwners,
  type OwnerRecord,
} from '../store/owners-repo.ts';
import { readOwnerStates } from '../store/routing-state-repo.ts';
import type { Database } from '../store/schema.ts';
import { invalid, notFound, ServiceError, type ErrorDetail } from './errors.ts';
import { decodeId, toPage } from './pages.ts';

/** An owner as the API shows it (the owners-file shape plus timestamps and current load). */
export interface OwnerDoc {
  id: string;
  name: string;
  email: string | null;
  time_zone: string;
  active: boolean;
  paused: boolean;
  paused_until: string | null;
  team: string | null;
  manager: string | null;
  working_hours: Record<string, unknown> | null;
  out_of_office: Array<{ from: string; until: string; reason?: string }>;
  caps: { max_open?: number; max_per_day?: number; max_per_week?: number } | null;
  skills: { languages?: string[]; products?: string[]; segments?: string[] } | null;
  created_at: string;
  updated_at: string;
  /** Routing counters: open leads, and assignments in the last counted day and week (owner's zone). */
  load?: {
    open: number;
    day: string;
    day_count: number;
    week: string;
    week_count: number;
    last_assigned_at: string | null;
  };
}

export class OwnerService {
  /** @param onChange called after every committed change (the routing cache marks itself stale). */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => number,
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** Runs a writing transaction, then reports the change. */
  private async write<T>(work: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
    const result = await this.db.transaction().execute(work);
    this.onChange();
    return result;
  }

  async listOwners(options: {
    cursor?: string;
    limit: number;
    team?: string;
    active?: boolean;
  }): Promise<{ items: OwnerDoc[]; nextCursor: string | null }> {
    const afterId = options.cursor ? decodeId(options.cursor) : undefined;
    const rows = await listOwnersPage(this.db, { ...options, afterId, limit: options.limit + 1 });
    const page = toPage(rows, options.limit);
    const states = await readOwnerStates(
      this.db,
      page.items.map((r) => r.id),
    );
    return {
      items: page.items.map((r) => toOwnerDoc(r, states.get(r.id))),
      nextCursor: page.nextCursor,
    };
  }

  async getOwner(id: string): Promise<OwnerDoc> {
    const owner = await findOwner(this.db, id);
    if (!owner) throw notFound('owner', id);
    const states = await readOwnerStates(this.db, [id]);
    return toOwnerDoc(owner, states.get(id));
  }

  /** Creates one owner; 409 when the id exists. */
  async createOwner(input: Record<string, unknown>): Promise<OwnerDoc> {
    const [owner] = readOwnerInputs([input], 'single');
    const created = await this.db
      .transaction()
      .execute((tx) => upsertOwners(tx, [owner!], { onlyNew: true }));
    if (created.length === 0)
      throw new ServiceError(
        'conflict',
        `owner ${JSON.stringify(owner!.id)} already exists; use PATCH /v1/owners/{id}`,
        [{ path: 'id', message: 'already exists' }],
      );
    return toOwnerDoc(created[0]!, undefined);
  }

  /** Changes some fields of an owner; a key set to null is cleared. */
  async updateOwner(id: string, patch: Record<string, unknown>): Promise<OwnerDoc> {
    if ('id' in patch && patch.id !== id)
      throw invalid('the id of an owner cannot change', [
        { path: 'id', message: `must be ${JSON.stringify(id)} or left out` },
      ]);
    return this.write(async (tx) => {
      const current = await findOwner(tx, id);
      if (!current) throw notFound('owner', id);
      const merged: Record<string, unknown> = { ...toOwnerInput(current), ...patch, id };
      const [owner] = readOwnerInputs([merged], 'single');
      const [saved] = await upsertOwners(tx, [owner!]);
      return toOwnerDoc(saved!, (await readOwnerStates(tx, [id])).get(id));
    });
  }

  /** Creates or replaces many owners in one transaction; nothing is written if any is invalid. */
  async upsertOwners(
    inputs: readonly Record<string, unknown>[],
  ): Promise<{ created: number; updated: number; owners: OwnerDoc[] }> {
    const owners = readOwnerInputs(inputs, 'bulk');
    return this.write(async (tx) => {
      const existing = await findExistingOwnerIds(
        tx,
        owners.map((o) => o.id),
      );
      const saved = await upsertOwners(tx, owners);
      return {
        created: owners.length - existing.size,
        updated: existing.size,
        owners: saved.map((o) => toOwnerDoc(o, undefined)),
      };
    });
  }

  /** Creates or replaces owners already read by the owners parser (files, the demo). */
  async upsertOwnerRecords(
    owners: readonly Owner[],
  ): Promise<{ created: number; updated: number; count: number }> {
    return this.write(async (tx) => {
      const existing = await findExistingOwnerIds(
        tx,
        owners.map((o) => o.id),
      );
      await upsertOwners(tx, owners);
      return {
        created: owners.length - existing.size,
        updated: existing.size,
        count: owners.length,
      };
    });
  }

  /** Pauses an owner (until a time, or until resumed). */
  async pauseOwner(id: string, until?: string): Promise<OwnerDoc> {
    if (until !== undefined && Date.parse(until) <= this.clock()) {
      throw invalid('a pause ends in the future', [
        {
          path: 'until',
          message: `must be after now (${new Date(this.clock()).toISOString()}); to pause until resumed, leave it out`,
        },
      ]);
    }
    return this.updateOwner(id, { paused: true, paused_until: until ?? null });
  }

  async resumeOwner(id: string): Promise<OwnerDoc> {
    return this.updateOwner(id, { paused: false, paused_until: null });
  }

  /** Adds an out-of-office window; past windows are dropped on the way. */
  async addOutOfOffice(
    id: string,
    window: { from: string; until: string; reason?: string },
  ): Promise<OwnerDoc> {
    const current = await findOwner(this.db, id);
    if (!current) throw notFound('owner', id);
    const now = this.clock();
    const kept = toOwnerInput(current).out_of_office as
      Array<{ from: string; until: string }> | undefined;
    const windows = (kept ?? []).filter((w) => Date.parse(w.until) > now);
    return this.updateOwner(id, { out_of_office: [...windows, window] });
  }

  /** Whether the owner can take a lead at `at` (working hours counted), and if not, until when. */
  async checkOwnerAvailability(
    id: string,
    at?: number,
  ): Promise<{
    owner_id: string;
    at: string;
    status: 'available' | Exclude<AvailabilityStatus, 'eligible'>;
    until: string | null;
    next_available_at: string | null;
  }> {
    const owner = await findOwner(this.db, id);
    if (!owner) throw notFound('owner', id);
    const when = at ?? this.clock();
    const check = checkAvailability(owner, when, true);
    const next = check.status === 'eligible' ? when : nextAvailableAt(owner, when, true);
    return {
      owner_id: id,
      at: new Date(when).toISOString(),
      status: check.status === 'eligible' ? 'available' : check.status,
      until: check.until === undefined ? null : new Date(check.until).toISOString(),
      next_available_at: next === undefined ? null : new Date(next).toISOString(),
    };
  }
}

/**
 * Validates owner inputs with the owners-file parser. Keys set to null count as absent. For a
 * single owner, paths drop the `owners[0].` prefix.
 */
function readOwnerInputs(
  inputs: readonly Record<string, unknown>[],
  mode: 'single' | 'bulk',
): Owner[] {
  const cleaned = inputs.map((input) =>
    Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null)),
  );
  try {
    return parseOwners(JSON.stringify({ owners: cleaned }), 'json');
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const details: ErrorDetail[] = error.issues
      .filter((i) => i.severity === 'error')
      .map((i) => ({
        path: mode === 'single' ? i.path.replace(/^owners\[0\]\.?/, '') : i.path,
        message: i.message,
      }));
    throw invalid(
      mode === 'single' ? 'invalid owner' : `invalid owners: ${details.length} problem(s)`,
      details,
    );
  }
}

/** An owner in the owners-file shape, as input for the parser (times with an explicit offset). */
function toOwnerInput(o: Owner): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    id: o.id,
    name: o.name,
    time_zone: o.timeZone,
    active: o.active,
    paused: o.paused ?? false,
  };
  if (o.email) doc.email = o.email;
  if (o.pausedUntil !== undefined) doc.paused_until = new Date(o.pausedUntil).toISOString();
  if (o.team) doc.team = o.team;
  if (o.manager) doc.manager = o.manager;
  if (o.workingHours) doc.working_hours = workingHoursDoc(o.workingHours);
  if (o.outOfOffice?.length) doc.out_of_office = o.outOfOffice.map(windowDoc);
  if (o.caps) doc.caps = capsDoc(o.caps);
  if (o.skills) doc.skills = { ...o.skills };
  return doc;
}

export function toOwnerDoc(o: OwnerRecord, state: OwnerState | undefined): OwnerDoc {
  const doc: OwnerDoc = {
    id: o.id,
    name: o.name,
    email: o.email ?? null,
    time_zone: o.timeZone,
    active: o.active,
    paused: o.paused ?? false,
    paused_until: o.pausedUntil === undefined ? null : new Date(o.pausedUntil).toISOString(),
    team: o.team ?? null,
    manager: o.manager ?? null,
    working_hours: o.workingHours ? workingHoursDoc(o.workingHours) : null,
    out_of_office: (o.outOfOffice ?? []).map(windowDoc),
    caps: o.caps ? capsDoc(o.caps) : null,
    skills: o.skills ? ({ ...o.skills } as OwnerDoc['skills']) : null,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
  };
  if (state) {
    doc.load = {
      open: state.open,
      day: state.dayKey,
      day_count: state.dayCount,
      week: state.weekKey,
      week_count: state.weekCount,
      last_assigned_at:
        state.lastAssignedAt === null ? null : new Date(state.lastAssignedAt).toISOString(),
    };
  }
  return doc;
}

function workingHoursDoc(wh: NonNullable<Owner['workingHours']>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [day, intervals] of Object.entries(wh.days))
    out[day] = intervals?.map(([a, b]) => [a, b]);
  if (wh.holidays?.length) out.holidays = [...wh.holidays];
  return out;
}

function windowDoc(w: NonNullable<Owner['outOfOffice']>[number]): {
  from: string;
  until: string;
  reason?: string;
} {
  const doc: { from: string; until: string; reason?: string } = {
    from: new Date(w.from).toISOString(),
    until: new Date(w.until).toISOString(),
  };
  if (w.reason) doc.reason = w.reason;
  return doc;
}

function capsDoc(c: NonNullable<Owner['caps']>): NonNullable<OwnerDoc['caps']> {
  const doc: NonNullable<OwnerDoc['caps']> = {};
  if (c.maxOpen !== undefined) doc.max_open = c.maxOpen;
  if (c.maxPerDay !== undefined) doc.max_per_day = c.maxPerDay;
  if (c.maxPerWeek !== undefined) doc.max_per_week = c.maxPerWeek;
  return doc;
}
