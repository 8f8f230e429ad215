/**
 * Accounts leads are matched to. Every change bumps the accounts counter so that every instance
 * rebuilds its account index.
 */
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Account, AttributeValue } from '../engine/index.ts';
import type { AccountsTable, Database } from './schema.ts';
import { bumpVersion } from './versions-repo.ts';

/** An account as stored: the engine's fields plus timestamps. */
export interface AccountRecord extends Account {
  createdAt: string;
  updatedAt: string;
}

type Db = Kysely<Database>;

export async function listAllAccounts(db: Db): Promise<AccountRecord[]> {
  const rows = await db.selectFrom('accounts').selectAll().orderBy('id').execute();
  return rows.map(toAccount);
}

export async function listAccountsPage(
  db: Db,
  options: { afterId?: string; limit: number; ownerId?: string; strategic?: boolean; q?: string },
): Promise<AccountRecord[]> {
  let query = db.selectFrom('accounts').selectAll().orderBy('id').limit(options.limit);
  if (options.afterId !== undefined) query = query.where('id', '>', options.afterId);
  if (options.ownerId !== undefined) query = query.where('owner_id', '=', options.ownerId);
  if (options.strategic !== undefined) query = query.where('strategic', '=', options.strategic);
  if (options.q)
    query = query.where(
      sql<boolean>`lower(name) like ${`%${escapeLike(options.q.toLowerCase())}%`}`,
    );
  return (await query.execute()).map(toAccount);
}

export async function findAccount(db: Db, id: string): Promise<AccountRecord | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toAccount(row);
}

/** Inserts or replaces accounts (whole records); `onlyNew` leaves existing ids alone. */
export async function upsertAccounts(
  db: Db,
  accounts: readonly Account[],
  options: { onlyNew?: boolean } = {},
): Promise<AccountRecord[]> {
  if (accounts.length === 0) return [];
  const out: AccountRecord[] = [];
  for (let i = 0; i < accounts.length; i += 2000) {
    const insert = db.insertInto('accounts').values(accounts.slice(i, i + 2000).map(toRow));
    const query = options.onlyNew
      ? insert.onConflict((oc) => oc.column('id').doNothing())
      : insert.onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            domains: eb.ref('excluded.domains'),
            owner_id: eb.ref('excluded.owner_id'),
            tier: eb.ref('excluded.tier'),
            strategic: eb.ref('excluded.strategic'),
            attributes: eb.ref('excluded.attributes'),
            updated_at: sql<Date>`now()`,
          })),
        );
    out.push(...(await query.returningAll().execute()).map(toAccount));
  }
  await bumpVersion(db, 'accounts');
  return out;
}

function toRow(account: Account): Insertable<AccountsTable> {
  return {
    id: account.id,
    name: account.name,
    domains: JSON.stringify(account.domains ?? []),
    owner_id: account.ownerId ?? null,
    tier: account.tier ?? null,
    strategic: account.strategic ?? false,
    attributes: JSON.stringify(account.attributes ?? {}),
  };
}

function toAccount(row: Selectable<AccountsTable>): AccountRecord {
  const account: AccountRecord = {
    id: row.id,
    name: row.name,
    domains: row.domains,
    strategic: row.strategic,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
  if (row.owner_id !== null) account.ownerId = row.owner_id;
  if (row.tier !== null) account.tier = row.tier;
  if (Object.keys(row.attributes).length)
    account.attributes = row.attributes as Record<string, AttributeValue>;
  return account;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
