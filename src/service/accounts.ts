/**
 * Accounts leads are matched to, written in the shape of the accounts file
 * (`examples/accounts.csv`) and read by the same reader; bulk upserts take values (a request's
 * JSON) or the file's text. Accounts are returned as records, which the API shapes for the wire.
 */
import type { Kysely } from 'kysely';
import type { Account } from '../engine/index.ts';
import {
  parseAccounts,
  readAccounts,
  writeAccount,
  type AccountsFormat,
} from '../formats/accounts.ts';
import {
  findAccount,
  listAccountsPage,
  upsertAccounts,
  type AccountRecord,
} from '../store/accounts-repo.ts';
import { findExistingIds } from '../store/records.ts';
import type { Database } from '../store/schema.ts';
import { alreadyExists, checkSameId, withoutNulls, writeThenNotify } from './directory.ts';
import { notFound, readOrFail } from './errors.ts';
import { recordChange, SYSTEM_CONTEXT, type RequestContext } from './access/context.ts';
import type { BulkResult } from './owners.ts';
import { decodeId, toPage, type Page } from './pages.ts';

export class AccountService {
  /** @param onChange called after every committed change (the routing cache marks itself stale). */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly onChange: () => void = () => undefined,
  ) {}

  async listAccounts(options: {
    cursor?: string;
    limit: number;
    owner?: string;
    strategic?: boolean;
    q?: string;
  }): Promise<Page<AccountRecord>> {
    const afterId = options.cursor ? decodeId(options.cursor) : undefined;
    const rows = await listAccountsPage(this.db, {
      ...options,
      ownerId: options.owner,
      afterId,
      limit: options.limit + 1,
    });
    return toPage(rows, options.limit);
  }

  async getAccount(id: string): Promise<AccountRecord> {
    const account = await findAccount(this.db, id);
    if (!account) throw notFound('account', id);
    return account;
  }

  /** Creates one account (accounts-file values); 409 when the id exists. */
  async createAccount(
    values: Record<string, unknown>,
    ctx: RequestContext = SYSTEM_CONTEXT,
  ): Promise<AccountRecord> {
    const account = readOne(values);
    return writeThenNotify(this.db, this.onChange, async (tx) => {
      const [created] = await upsertAccounts(tx, [account], { onlyNew: true });
      if (!created) throw alreadyExists('account', account.id);
      await recordChange(tx, ctx, {
        action: 'account.create',
        target: { type: 'account', id: created.id },
        after: writeAccount(created),
      });
      return created;
    });
  }

  /** Changes some fields; `attributes` are merged key by key (a null value removes one). */
  async updateAccount(
    id: string,
    patch: Record<string, unknown>,
    ctx: RequestContext = SYSTEM_CONTEXT,
  ): Promise<AccountRecord> {
    checkSameId('account', id, patch);
    return writeThenNotify(this.db, this.onChange, async (tx) => {
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
      const [saved] = await upsertAccounts(tx, [
        readOne({ ...writeAccount(current), ...rest, attributes, id }),
      ]);
      await recordChange(tx, ctx, {
        action: 'account.update',
        target: { type: 'account', id },
        before: writeAccount(current),
        after: writeAccount(saved!),
      });
      return saved!;
    });
  }

  /** Creates or replaces many accounts given as accounts-file values, all or nothing. */
  async upsertAccounts(
    values: readonly unknown[],
    ctx: RequestContext = SYSTEM_CONTEXT,
  ): Promise<BulkResult> {
    const accounts = readOrFail(() => readAccounts(values.map(withoutNulls)), {
      message: (n) => `invalid accounts: ${n} problem(s)`,
    });
    return this.save(accounts, ctx);
  }

  /** Creates or replaces the accounts of an accounts file, all or nothing. */
  async importAccounts(
    text: string,
    format: AccountsFormat,
    ctx: RequestContext = SYSTEM_CONTEXT,
  ): Promise<BulkResult> {
    const accounts = readOrFail(() => parseAccounts(text, format), {
      message: (n) => `invalid accounts: ${n} problem(s)`,
    });
    return this.save(accounts, ctx);
  }

  private async save(accounts: readonly Account[], ctx: RequestContext): Promise<BulkResult> {
    return writeThenNotify(this.db, this.onChange, async (tx) => {
      const ids = accounts.map((a) => a.id);
      const existing = await findExistingIds(tx, 'accounts', ids);
      const saved = await upsertAccounts(tx, accounts);
      const result = {
        created: ids.length - existing.size,
        updated: existing.size,
        count: ids.length,
      };
      await recordChange(tx, ctx, {
        action: 'account.bulk_upsert',
        target: { type: 'account', id: null },
        after: saved.map(writeAccount),
        details: {
          ...result,
          created_ids: ids.filter((id) => !existing.has(id)),
          updated_ids: ids.filter((id) => existing.has(id)),
        },
      });
      return result;
    });
  }
}

/** One account's values, read as the accounts file reads them; paths name its own keys. */
function readOne(values: Record<string, unknown>): Account {
  const [account] = readOrFail(() => readAccounts([withoutNulls(values)], { root: () => '' }), {
    message: 'invalid account',
  });
  return account!;
}
