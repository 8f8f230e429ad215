/**
 * Accounts leads are matched to, in the shape of the accounts file (`examples/accounts.csv`) and
 * validated by the same parser; bulk upserts take JSON or CSV.
 */
import type { Kysely } from 'kysely';
import { ValidationError, type Account } from '../engine/index.ts';
import { parseAccounts } from '../formats/accounts.ts';
import {
  findAccount,
  listAccountsPage,
  upsertAccounts,
  type AccountRecord,
} from '../store/accounts-repo.ts';
import type { Database } from '../store/schema.ts';
import { invalid, notFound, ServiceError, type ErrorDetail } from './errors.ts';
import { decodeId, toPage } from './pages.ts';

export interface AccountDoc {
  id: string;
  name: string;
  domains: string[];
  /** Owner id of the account. */
  owner: string | null;
  tier: string | null;
  strategic: boolean;
  attributes: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export class AccountService {
  /** @param onChange called after every committed change (the routing cache marks itself stale). */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** Runs a writing transaction, then reports the change. */
  private async write<T>(work: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
    const result = await this.db.transaction().execute(work);
    this.onChange();
    return result;
  }

  async listAccounts(options: {
    cursor?: string;
    limit: number;
    owner?: string;
    strategic?: boolean;
    q?: string;
  }): Promise<{
    items: AccountDoc[];
    nextCursor: string | null;
  }> {
    const afterId = options.cursor ? decodeId(options.cursor) : undefined;
    const rows = await listAccountsPage(this.db, {
      ...options,
      ownerId: options.owner,
      afterId,
      limit: options.limit + 1,
    });
    const page = toPage(rows, options.limit);
    return { items: page.items.map(toAccountDoc), nextCursor: page.nextCursor };
  }

  async getAccount(id: string): Promise<AccountDoc> {
    const account = await findAccount(this.db, id);
    if (!account) throw notFound('account', id);
    return toAccountDoc(account);
  }

  async createAccount(input: Record<string, unknown>): Promise<AccountDoc> {
    const [account] = readAccountInputs({ kind: 'json', records: [input] }, 'single');
    const created = await this.db
      .transaction()
      .execute((tx) => upsertAccounts(tx, [account!], { onlyNew: true }));
    if (created.length === 0) {
      throw new ServiceError(
        'conflict',
        `account ${JSON.stringify(account!.id)} already exists; use PATCH /v1/accounts/{id}`,
        [{ path: 'id', message: 'already exists' }],
      );
    }
    return toAccountDoc(created[0]!);
  }

  /** Changes some fields; `attributes` are merged key by key (a null value removes one). */
  async updateAccount(id: string, patch: Record<string, unknown>): Promise<AccountDoc> {
    if ('id' in patch && patch.id !== id)
      throw invalid('the id of an account cannot change', [
        { path: 'id', message: `must be ${JSON.stringify(id)} or left out` },
      ]);
    return this.write(async (tx) => {
      const current = await findAccount(tx, id);
      if (!current) throw notFound('account', id);
      const { attributes: patchAttributes, ...rest } = patch;
      const attributes: Record<string, unknown> = { ...(current.attributes ?? {}) };
      if (patchAttributes && typeof patchAttributes === 'object') {
        for (const [k, v] of Object.entries(patchAttributes)) {
          if (v === null) delete attributes[k];
          else attributes[k] = v;
        }
      }
      const merged = { ...toAccountInput(current), ...rest, attributes, id };
      const [account] = readAccountInputs({ kind: 'json', records: [merged] }, 'single');
      const [saved] = await upsertAccounts(tx, [account!]);
      return toAccountDoc(saved!);
    });
  }

  /** Creates or replaces many accounts in one transaction (JSON records or CSV text). */
  async upsertAccounts(
    input: { kind: 'json'; records: readonly unknown[] } | { kind: 'csv'; text: string },
  ): Promise<{ created: number; updated: number; count: number }> {
    const accounts = readAccountInputs(input, 'bulk');
    return this.write(async (tx) => {
      const before = new Set(
        (
          await tx
            .selectFrom('accounts')
            .select('id')
            .where('id', 'in', accounts.length ? accounts.map((a) => a.id) : [''])
            .execute()
        ).map((r) => r.id),
      );
      await upsertAccounts(tx, accounts);
      return {
        created: accounts.length - before.size,
        updated: before.size,
        count: accounts.length,
      };
    });
  }
}

function readAccountInputs(
  input: { kind: 'json'; records: readonly unknown[] } | { kind: 'csv'; text: string },
  mode: 'single' | 'bulk',
): Account[] {
  try {
    if (input.kind === 'csv') return parseAccounts(input.text, 'csv');
    const cleaned = input.records.map((r) =>
      r && typeof r === 'object' && !Array.isArray(r)
        ? Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null))
        : r,
    );
    return parseAccounts(JSON.stringify({ accounts: cleaned }), 'json');
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const details: ErrorDetail[] = error.issues
      .filter((i) => i.severity === 'error')
      .map((i) => ({
        path: mode === 'single' ? i.path.replace(/^accounts\[0\]\.?/, '') : i.path,
        message: i.message,
      }));
    throw invalid(
      mode === 'single' ? 'invalid account' : `invalid accounts: ${details.length} problem(s)`,
      details,
    );
  }
}

function toAccountInput(a: Account): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    id: a.id,
    name: a.name,
    domains: [...(a.domains ?? [])],
    strategic: a.strategic ?? false,
  };
  if (a.ownerId) doc.owner = a.ownerId;
  if (a.tier) doc.tier = a.tier;
  return doc;
}

export function toAccountDoc(a: AccountRecord): AccountDoc {
  return {
    id: a.id,
    name: a.name,
    domains: [...(a.domains ?? [])],
    owner: a.ownerId ?? null,
    tier: a.tier ?? null,
    strategic: a.strategic ?? false,
    attributes: { ...(a.attributes ?? {}) },
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}
