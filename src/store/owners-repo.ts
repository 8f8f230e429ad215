/**
 * Owners and their availability. Rows hold the engine's `Owner` shape (caps, skills, working hours
 * and out-of-office windows as JSON); every change bumps the owners counter so that every
 * instance reloads its directory.
 */
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Owner } from '../engine/index.ts';
import type { Database, OwnersTable } from './schema.ts';
import { bumpVersion } from './versions-repo.ts';

/** An owner as stored: the engine's fields plus timestamps. */
export interface OwnerRecord extends Owner {
  createdAt: string;
  updatedAt: string;
}

type Db = Kysely<Database>;

/** Every owner, ordered by id. */
export async function listAllOwners(db: Db): Promise<OwnerRecord[]> {
  const rows = await db.selectFrom('owners').selectAll().orderBy('id').execute();
  return rows.map(toOwner);
}

/** One page of owners after `afterId`, optionally filtered by team or active flag. */
export async function listOwnersPage(
  db: Db,
  options: { afterId?: string; limit: number; team?: string; active?: boolean },
): Promise<OwnerRecord[]> {
  let query = db.selectFrom('owners').selectAll().orderBy('id').limit(options.limit);
  if (options.afterId !== undefined) query = query.where('id', '>', options.afterId);
  if (options.team !== undefined) query = query.where('team', '=', options.team);
  if (options.active !== undefined) query = query.where('active', '=', options.active);
  return (await query.execute()).map(toOwner);
}

export async function findOwner(db: Db, id: string): Promise<OwnerRecord | undefined> {
  const row = await db.selectFrom('owners').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toOwner(row);
}

/**
 * Inserts or replaces owners (whole records) and bumps the owners counter. With `onlyNew`, an
 * existing id is left alone and not returned (the caller reports the conflict).
 */
export async function upsertOwners(
  db: Db,
  owners: readonly Owner[],
  options: { onlyNew?: boolean } = {},
): Promise<OwnerRecord[]> {
  if (owners.length === 0) return [];
  const out: OwnerRecord[] = [];
  // Chunks keep each statement under PostgreSQL's 65,535 bind parameters.
  for (let i = 0; i < owners.length; i += 1000) {
    const rows = owners.slice(i, i + 1000).map(toRow);
    const insert = db.insertInto('owners').values(rows);
    const query = options.onlyNew
      ? insert.onConflict((oc) => oc.column('id').doNothing())
      : insert.onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            email: eb.ref('excluded.email'),
            time_zone: eb.ref('excluded.time_zone'),
            active: eb.ref('excluded.active'),
            paused: eb.ref('excluded.paused'),
            paused_until: eb.ref('excluded.paused_until'),
            working_hours: eb.ref('excluded.working_hours'),
            out_of_office: eb.ref('excluded.out_of_office'),
            caps: eb.ref('excluded.caps'),
            skills: eb.ref('excluded.skills'),
            team: eb.ref('excluded.team'),
            manager: eb.ref('excluded.manager'),
            updated_at: sql<Date>`now()`,
          })),
        );
    out.push(...(await query.returningAll().execute()).map(toOwner));
  }
  await bumpVersion(db, 'owners');
  return out;
}

function toRow(owner: Owner): Insertable<OwnersTable> {
  return {
    id: owner.id,
    name: owner.name,
    email: owner.email ?? null,
    time_zone: owner.timeZone,
    active: owner.active,
    paused: owner.paused ?? false,
    paused_until: owner.pausedUntil === undefined ? null : new Date(owner.pausedUntil),
    working_hours: owner.workingHours ? JSON.stringify(owner.workingHours) : null,
    out_of_office: JSON.stringify(owner.outOfOffice ?? []),
    caps: owner.caps && Object.keys(owner.caps).length ? JSON.stringify(owner.caps) : null,
    skills: owner.skills && Object.keys(owner.skills).length ? JSON.stringify(owner.skills) : null,
    team: owner.team ?? null,
    manager: owner.manager ?? null,
  };
}

function toOwner(row: Selectable<OwnersTable>): OwnerRecord {
  const owner: OwnerRecord = {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    active: row.active,
    paused: row.paused,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
  if (row.email !== null) owner.email = row.email;
  if (row.paused_until) owner.pausedUntil = row.paused_until.getTime();
  if (row.working_hours) owner.workingHours = row.working_hours as Owner['workingHours'];
  if (row.out_of_office.length) owner.outOfOffice = row.out_of_office as Owner['outOfOffice'];
  if (row.caps) owner.caps = row.caps as Owner['caps'];
  if (row.skills) owner.skills = row.skills as Owner['skills'];
  if (row.team !== null) owner.team = row.team;
  if (row.manager !== null) owner.manager = row.manager;
  return owner;
}
