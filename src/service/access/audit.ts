/**
 * The audit log: one entry per change, appended in the transaction of the change, hash-chained so
 * that an altered or removed row is found by verification.
 *
 * Hash of entry n: sha256(prev_hash ‖ "\n" ‖ seq ‖ "\n" ‖ metadata ‖ "\n" ‖ payload_hash), where
 * metadata is the canonical JSON of when, who, what and where (everything but the payload) and
 * payload_hash = sha256(canonical JSON of the payload: before/after or a diff). The payload is
 * hashed on its own so that a privacy erasure can clear it (redactAuditEntry) and verification
 * still checks the chain: it recomputes payload_hash only for entries not redacted.
 *
 * Concurrency: the append is one statement that bumps the single `audit_head` row and inserts the
 * entry computed from it, hashing in SQL. The row lock it takes is held until the transaction
 * ends, so concurrent writers queue there and the chain cannot fork; call appendAudit last in the
 * transaction, just before commit, to keep that locked stretch short. A transaction that rolls
 * back releases the head unchanged: no gap, no entry.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { AuditLogTable } from '../../store/schema-access.ts';
import type { Actor, ActorKind } from './actor.ts';
import { canonicalJson, sha256Hex } from '../canonical-json.ts';

type Db = Kysely<Database>;

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a change records. */
export interface AuditEntryInput {
  actor: Actor;
  /** `<object>.<verb>`: `policy.publish`, `owner.pause`, `token.revoke`, `auth.denied`… */
  action: string;
  target?: { type: string; id: string | null } | null;
  /** The object before and after the change (omit either for a creation or deletion). */
  before?: unknown;
  after?: unknown;
  /** Anything else worth keeping (a diff, a reason, the permission refused). */
  details?: unknown;
  requestId?: string | null;
  clientAddress?: string | null;
  /** Default: now. */
  at?: Date;
}

/** An entry as read back. */
export interface AuditEntry {
  seq: number;
  at: string;
  actor: { kind: ActorKind; id: string | null; name: string | null; role: string | null };
  action: string;
  target: { type: string; id: string | null } | null;
  /** `{before, after, details}` as given; null once redacted. */
  payload: unknown;
  payload_hash: string;
  redacted_at: string | null;
  request_id: string | null;
  client_address: string | null;
  prev_hash: string;
  hash: string;
}

type AuditRow = Selectable<AuditLogTable>;

function payloadOf(entry: AuditEntryInput): unknown {
  const payload: Record<string, unknown> = {};
  if (entry.before !== undefined) payload.before = entry.before;
  if (entry.after !== undefined) payload.after = entry.after;
  if (entry.details !== undefined) payload.details = entry.details;
  return Object.keys(payload).length ? payload : null;
}

/** The hashed metadata of an entry: everything but seq, the payload and the hashes. */
function metadataJson(m: {
  at: string;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  client_address: string | null;
}): string {
  return canonicalJson({
    at: m.at,
    actor: { kind: m.actor_kind, id: m.actor_id, name: m.actor_name, role: m.actor_role },
    action: m.action,
    target: m.target_type === null ? null : { type: m.target_type, id: m.target_id },
    request_id: m.request_id,
    client_address: m.client_address,
  });
}

/** The entry's hash from its predecessor's hash, its seq, metadata and payload hash. */
export function computeEntryHash(
  prevHash: string,
  seq: number | string,
  metadata: string,
  payloadHash: string,
): string {
  return sha256Hex(`${prevHash}\n${seq}\n${metadata}\n${payloadHash}`);
}

/**
 * Appends one entry, in the caller's transaction (pass the transaction's handle): the entry
 * commits with the change or not at all. Returns its seq and hash.
 */
export async function appendAudit(
  tx: Db,
  entry: AuditEntryInput,
): Promise<{ seq: number; hash: string }> {
  const at = (entry.at ?? new Date()).toISOString();
  const row = {
    at,
    actor_kind: entry.actor.kind,
    actor_id: entry.actor.id,
    actor_name: entry.actor.name,
    actor_role: entry.actor.role,
    action: entry.action,
    target_type: entry.target?.type ?? null,
    target_id: entry.target ? entry.target.id : null,
    request_id: entry.requestId ?? null,
    client_address: entry.clientAddress ?? null,
  };
  const payload = payloadOf(entry);
  const payloadText = canonicalJson(payload);
  const payloadHash = sha256Hex(payloadText);
  const metadata = metadataJson(row);
  // One statement: lock and advance the head, hash in SQL with exactly computeEntryHash's
  // formula, insert. Nothing else happens while the head is ours.
  const result = await sql<{ seq: string; hash: string }>`
    with head as (
      update audit_head
      set seq = seq + 1,
          prev_hash = hash,
          hash = encode(sha256(convert_to(
            hash || E'\n' || (seq + 1)::text || E'\n' || ${metadata}::text || E'\n' || ${payloadHash}::text,
            'UTF8')), 'hex')
      where id = 1
      returning seq, prev_hash, hash
    )
    insert into audit_log (seq, at, actor_kind, actor_id, actor_name, actor_role, action,
      target_type, target_id, payload, payload_hash, request_id, client_address, prev_hash, hash)
    select head.seq, ${row.at}::timestamptz, ${row.actor_kind}, ${row.actor_id}, ${row.actor_name},
      ${row.actor_role}, ${row.action}, ${row.target_type}, ${row.target_id},
      ${payload === null ? null : payloadText}::jsonb, ${payloadHash}, ${row.request_id},
      ${row.client_address}, head.prev_hash, head.hash
    from head
    returning seq, hash`.execute(tx);
  const inserted = result.rows[0];
  if (!inserted) throw new Error('audit_head row missing: was migration 002 applied?');
  return { seq: Number(inserted.seq), hash: inserted.hash };
}

/** An entry as returned by the API and the exports. */
export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at.toISOString(),
    actor: {
      kind: row.actor_kind as ActorKind,
      id: row.actor_id,
      name: row.actor_name,
      role: row.actor_role,
    },
    action: row.action,
    target: row.target_type === null ? null : { type: row.target_type, id: row.target_id },
    payload: row.payload,
    payload_hash: row.payload_hash,
    redacted_at: row.redacted_at?.toISOString() ?? null,
    request_id: row.request_id,
    client_address: row.client_address,
    prev_hash: row.prev_hash,
    hash: row.hash,
  };
}

/** The outcome of verifying the chain. */
export interface AuditVerification {
  ok: boolean;
  /** Entries checked. */
  entries: number;
  /** The first link that does not hold, and why. */
  firstBroken?: { seq: number; reason: string };
}

/**
 * Walks the whole log in seq order, a page at a time (memory stays flat), and checks every link:
 * seqs without gaps from 1, each prev_hash equal to the previous entry's hash, each payload hash
 * (unless redacted) and each entry hash recomputed. The head, read first, catches entries removed
 * from the end; entries appended while verifying are beyond it and left for the next run.
 */
export async function verifyAuditChain(
  db: Db,
  options: { pageSize?: number } = {},
): Promise<AuditVerification> {
  const pageSize = options.pageSize ?? 1000;
  const head = await db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  const headSeq = Number(head.seq);
  let expected = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  const broken = (seq: number, reason: string): AuditVerification => ({
    ok: false,
    entries,
    firstBroken: { seq, reason },
  });
  while (expected <= headSeq) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', String(expected))
      .where('seq', '<=', String(headSeq))
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expected) {
        return broken(expected, `entry ${expected} is missing (the next entry present is ${seq})`);
      }
      if (row.prev_hash !== prevHash) {
        return broken(seq, `prev_hash does not match the hash of entry ${seq - 1}`);
      }
      if (row.redacted_at === null && sha256Hex(canonicalJson(row.payload)) !== row.payload_hash) {
        return broken(seq, 'payload altered: its hash does not match payload_hash');
      }
      if (row.redacted_at !== null && row.payload !== null) {
        return broken(seq, 'entry marked redacted still has a payload');
      }
      const metadata = metadataJson({ ...row, at: row.at.toISOString() });
      if (computeEntryHash(row.prev_hash, seq, metadata, row.payload_hash) !== row.hash) {
        return broken(seq, 'entry altered: its hash does not match its content');
      }
      prevHash = row.hash;
      entries++;
      expected++;
    }
  }
  if (expected <= headSeq) {
    return broken(
      expected,
      `entries ${expected} to ${headSeq} are missing (the head records ${headSeq})`,
    );
  }
  if (headSeq > 0 && head.hash !== prevHash) {
    return broken(headSeq, 'the head hash does not match the last entry');
  }
  return { ok: true, entries };
}

/** Filters of listAudit and the exports; every field optional. */
export interface AuditFilter {
  /** Entries at or after this instant. */
  from?: Date;
  /** Entries before this instant. */
  to?: Date;
  actorId?: string;
  actorKind?: ActorKind;
  /** An action (`policy.publish`) or every action of an object (`policy.*`). */
  action?: string;
  targetType?: string;
  targetId?: string;
}

/** A page of entries and the cursor of the next one. */
export interface AuditPage {
  entries: AuditEntry[];
  next_cursor: string | null;
}

function filtered(db: Db, filter: AuditFilter) {
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.from) query = query.where('at', '>=', filter.from);
  if (filter.to) query = query.where('at', '<', filter.to);
  if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
  if (filter.actorKind !== undefined) query = query.where('actor_kind', '=', filter.actorKind);
  if (filter.action !== undefined) {
    if (filter.action.endsWith('.*')) {
      const prefix = filter.action.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`);
      query = query.where('action', 'like', `${prefix}%`);
    } else {
      query = query.where('action', '=', filter.action);
    }
  }
  if (filter.targetType !== undefined) query = query.where('target_type', '=', filter.targetType);
  if (filter.targetId !== undefined) query = query.where('target_id', '=', filter.targetId);
  return query;
}

/**
 * Entries matching the filter, newest first (or oldest first with `order: 'asc'`), `limit` at a
 * time; `cursor` is the previous page's next_cursor (a seq: keyset pagination, stable while
 * entries are appended).
 */
export async function listAudit(
  db: Db,
  filter: AuditFilter & { cursor?: string | null; limit?: number; order?: 'asc' | 'desc' } = {},
): Promise<AuditPage> {
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
  const order = filter.order ?? 'desc';
  let query = filtered(db, filter);
  if (filter.cursor) {
    if (!/^\d{1,18}$/.test(filter.cursor)) throw new Error(`invalid audit cursor ${filter.cursor}`);
    query = query.where('seq', order === 'desc' ? '<' : '>', filter.cursor);
  }
  const rows = await query
    .orderBy('seq', order)
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit).map(toAuditEntry);
  return {
    entries: page,
    next_cursor: rows.length > limit ? String(page[page.length - 1]!.seq) : null,
  };
}

/** Every entry matching the filter, oldest first, read a page at a time. */
export async function* streamAudit(
  db: Db,
  filter: AuditFilter = {},
  pageSize = 1000,
): AsyncGenerator<AuditEntry> {
  let cursor: string | null = null;
  do {
    const page: AuditPage = await listAudit(db, {
      ...filter,
      cursor,
      limit: pageSize,
      order: 'asc',
    });
    yield* page.entries;
    cursor = page.next_cursor;
  } while (cursor);
}

/** JSON Lines export: one entry per line, streamed. */
export async function* exportAuditJsonLines(
  db: Db,
  filter: AuditFilter = {},
): AsyncGenerator<string> {
  for await (const entry of streamAudit(db, filter)) yield `${JSON.stringify(entry)}\n`;
}

export const AUDIT_CSV_COLUMNS = [
  'seq',
  'at',
  'actor_kind',
  'actor_id',
  'actor_name',
  'actor_role',
  'action',
  'target_type',
  'target_id',
  'payload',
  'redacted_at',
  'request_id',
  'client_address',
  'prev_hash',
  'hash',
] as const;

/**
 * A CSV cell: quoted when it holds a quote, comma or line break; text a spreadsheet would run as a
 * formula (=, +, -, @, tab, CR first) is prefixed with a quote mark (OWASP's CSV injection advice).
 */
function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV export (RFC 4180, a header line first), streamed; the payload is a JSON cell. */
export async function* exportAuditCsv(db: Db, filter: AuditFilter = {}): AsyncGenerator<string> {
  yield `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
  for await (const e of streamAudit(db, filter)) {
    const cells = [
      e.seq,
      e.at,
      e.actor.kind,
      e.actor.id,
      e.actor.name,
      e.actor.role,
      e.action,
      e.target?.type ?? null,
      e.target?.id ?? null,
      e.payload === null ? null : JSON.stringify(e.payload),
      e.redacted_at,
      e.request_id,
      e.client_address,
      e.prev_hash,
      e.hash,
    ];
    yield `${cells.map(csvCell).join(',')}\r\n`;
  }
}

/**
 * Clears an entry's payload for a privacy erasure, leaving the chain verifiable (the payload hash
 * stays), and records the redaction as an entry of its own. The trigger on audit_log refuses every
 * other UPDATE; this one passes because the transaction sets `leadrouter.audit_redaction`.
 */
export async function redactAuditEntry(
  db: Db,
  seq: number,
  actor: Actor,
  reason: string,
): Promise<boolean> {
  const run = async (tx: Db) => {
    await sql`set local leadrouter.audit_redaction = 'on'`.execute(tx);
    const updated = await tx
      .updateTable('audit_log')
      .set({ payload: null, redacted_at: new Date() })
      .where('seq', '=', String(seq))
      .where('redacted_at', 'is', null)
      .executeTakeFirst();
    await sql`set local leadrouter.audit_redaction = 'off'`.execute(tx);
    if (updated.numUpdatedRows === 0n) return false;
    await appendAudit(tx, {
      actor,
      action: 'audit.redact',
      target: { type: 'audit_entry', id: String(seq) },
      details: { reason },
    });
    return true;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}
