/**
 * Idempotency of intake: each request claims its key (its Idempotency-Key, else its external id's)
 * and, with both, its external id's key too, in the transaction that stores the lead. A request
 * holding all its keys is routed; one whose key is taken replays the stored lead and decision, or
 * is a conflict when its body differs. No two leads share an external id.
 */
import type { Kysely } from 'kysely';
import {
  claimKeys,
  findKeys,
  releaseKeys,
  type IdempotencyEntry,
} from '../../store/idempotency-repo.ts';
import { findDecisions, findLeads } from '../../store/leads-repo.ts';
import type { Database } from '../../store/schema.ts';
import { ServiceError } from '../errors.ts';
import type { PreparedLead } from './prepare.ts';
import type { IntakeResult } from './types.ts';

const EXTERNAL_ID_SCOPE = 'x:';

/** The idempotency key of an external id: no two leads share one. */
export function externalIdKey(externalId: string): string {
  return `${EXTERNAL_ID_SCOPE}${externalId}`;
}

/** The keys a request claims: its own, and its external id's when that is another. */
function claimsOf(p: PreparedLead): string[] {
  return [p.key, p.externalKey].filter((k): k is string => k !== undefined);
}

/**
 * A key repeated within one batch: the first request with it is routed, the later ones replay it
 * ({@link replayRepeats}).
 */
export function splitRepeats(all: readonly PreparedLead[]): {
  distinct: PreparedLead[];
  repeats: Map<PreparedLead, PreparedLead>;
} {
  const firstByKey = new Map<string, PreparedLead>();
  const repeats = new Map<PreparedLead, PreparedLead>();
  for (const p of all) {
    if (p.key === undefined) continue;
    const first = firstByKey.get(p.key);
    if (first) repeats.set(p, first);
    else firstByKey.set(p.key, p);
  }
  return { distinct: repeats.size ? all.filter((p) => !repeats.has(p)) : [...all], repeats };
}

/**
 * Claims every request's keys in `tx` and returns the requests to route: those holding all their
 * keys. One that got its own key but not its external id's (another lead has that external id)
 * replays that lead: it gives its own key back.
 */
export async function claimRequests(
  tx: Kysely<Database>,
  prepared: readonly PreparedLead[],
): Promise<PreparedLead[]> {
  const entries = prepared.flatMap((p) =>
    claimsOf(p).map((key): IdempotencyEntry => ({
      key,
      requestHash: p.requestHash,
      leadId: p.lead.id,
      decisionId: p.decisionId,
    })),
  );
  const claimed = await claimKeys(tx, entries);
  const routable: PreparedLead[] = [];
  const partial: string[] = [];
  for (const p of prepared) {
    const keys = claimsOf(p);
    const held = keys.filter((k) => claimed.get(k) === p.lead.id);
    if (held.length === keys.length) routable.push(p);
    else partial.push(...held);
  }
  if (partial.length) await releaseKeys(tx, partial);
  return routable;
}

/** Results for requests whose key was taken: the stored lead and decision, or a conflict. */
export async function replayStored(
  db: Kysely<Database>,
  prepared: readonly PreparedLead[],
): Promise<Map<PreparedLead, IntakeResult | Error>> {
  const entries = await findKeys(db, prepared.flatMap(claimsOf));
  const leads = await findLeads(
    db,
    [...entries.values()].map((e) => e.leadId),
  );
  const decisions = await findDecisions(
    db,
    [...entries.values()].flatMap((e) => (e.decisionId ? [e.decisionId] : [])),
  );
  const out = new Map<PreparedLead, IntakeResult | Error>();
  for (const p of prepared) {
    // The request's own key when it is taken (a retry), else its external id's (another request
    // stored a lead with that external id).
    const keys = claimsOf(p);
    const held = keys.find((k) => entries.has(k)) ?? keys[0]!;
    const entry = entries.get(held);
    const lead = entry && leads.get(entry.leadId);
    const decision = entry?.decisionId ? decisions.get(entry.decisionId) : undefined;
    if (entry && lead && entry.requestHash !== p.requestHash) {
      out.set(p, conflict(held, lead.id));
    } else if (!entry || !lead || !decision) {
      out.set(
        p,
        new ServiceError(
          'unavailable',
          `idempotency key ${JSON.stringify(displayKey(held))} is held by a request still in progress; retry`,
        ),
      );
    } else {
      out.set(p, { lead, decision, replayed: true });
    }
  }
  return out;
}

/** Results for the repeats of a key within the batch: the first's result, or a conflict. */
export function replayRepeats(
  repeats: ReadonlyMap<PreparedLead, PreparedLead>,
  results: Map<PreparedLead, IntakeResult | Error>,
): void {
  for (const [p, first] of repeats) {
    const r = results.get(first)!;
    results.set(
      p,
      r instanceof Error
        ? r
        : p.requestHash === first.requestHash
          ? { ...r, replayed: true }
          : conflict(p.key!, r.lead.id),
    );
  }
}

function conflict(key: string, leadId: string): ServiceError {
  const [source, shown] = key.startsWith(EXTERNAL_ID_SCOPE)
    ? ['external_id', key.slice(EXTERNAL_ID_SCOPE.length)]
    : ['Idempotency-Key', displayKey(key)];
  return new ServiceError(
    'idempotency_conflict',
    `${source} ${JSON.stringify(shown)} was used before with a different request body`,
    [{ path: source, message: `already used for lead ${leadId} with a different body` }],
  );
}

/** Keys are stored with a scope prefix (`h:`/`b:` header, `x:` external id); people see the key itself. */
export function displayKey(key: string): string {
  return key.replace(/^[a-z]:/, '');
}
