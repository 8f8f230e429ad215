/**
 * Policy versions: drafts are created and edited freely (even while invalid, so work in progress
 * can be saved); validation reports errors and warnings against the live owner directory;
 * publishing freezes a valid draft with an effective date. A version dated in the future takes
 * over at that instant on every instance (see routing-cache.ts).
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { analyzePolicy, formatIssue, policyJsonSchema, type PolicyIssue } from '../engine/index.ts';
import { parseStructuredText } from '../formats/common.ts';
import {
  findPolicyVersion,
  findVersionInForce,
  insertDraft,
  listPolicyVersions,
  markPublished,
  updateDraft,
  type PolicyVersionRecord,
} from '../store/policies-repo.ts';
import type { Database } from '../store/schema.ts';
import { fromIssues, notFound, readOrFail, ServiceError } from './errors.ts';
import { toPage } from './pages.ts';
import { diffPolicies, type PolicyChange } from '../analysis/index.ts';
import type { RoutingCache } from './routing-cache.ts';
import { appendPolicyPublished, type EventsHub } from './events.ts';
import { recordChange, SYSTEM_CONTEXT, type RequestContext } from './access/context.ts';
import { countApprovals, readRequiredApprovals, revokeApprovals } from './access/approvals.ts';

/** A policy document as given: text (YAML or JSON) or an already parsed document. */
export interface PolicyContent {
  source?: string;
  format?: 'yaml' | 'json';
  document?: unknown;
}

export interface DraftFields extends PolicyContent {
  name?: string | null;
  author?: string | null;
  note?: string | null;
  basedOn?: string | null;
}

export interface PolicyIssueDoc {
  severity: 'error' | 'warning';
  path: string;
  message: string;
}

export interface ValidationReport {
  valid: boolean;
  errors: number;
  warnings: number;
  issues: PolicyIssueDoc[];
}

/** How far in the past an effective date may lie (clock skew between a client and the service). */
const PAST_TOLERANCE_MS = 60_000;

export class PolicyService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cache: RoutingCache,
    private readonly clock: () => number,
    /** Told after a commit that wrote outbound events. */
    private readonly events?: EventsHub,
  ) {}

  async createDraft(
    fields: DraftFields,
    ctx: RequestContext = SYSTEM_CONTEXT,
  ): Promise<PolicyVersionRecord & { validation: ValidationReport }> {
    const content = readContent(fields);
    if (fields.basedOn && !(await findPolicyVersion(this.db, fields.basedOn))) {
      throw new ServiceError(
        'validation_failed',
        `based_on: policy version ${fields.basedOn} not found`,
        [{ path: 'based_on', message: `no policy version ${fields.basedOn}` }],
      );
    }
    const record = await this.db.transaction().execute(async (tx) => {
      const inserted = await insertDraft(tx, {
        ...content,
        name: fields.name ?? nameOf(content.document),
        author: fields.author ?? ctx.actor.name ?? null,
        note: fields.note ?? null,
        basedOn: fields.basedOn ?? null,
      });
      await recordChange(tx, ctx, {
        action: 'policy.draft',
        target: { type: 'policy_version', id: inserted.id },
        after: auditedVersion(inserted),
      });
      return inserted;
    });
    return { ...record, validation: await this.validateDocument(record.document, record.id) };
  }

  async updateDraft(
    id: string,
    fields: DraftFields,
    ctx: RequestContext = SYSTEM_CONTEXT,
  ): Promise<PolicyVersionRecord & { validation: ValidationReport }> {
    const existing = await this.getVersion(id);
    if (existing.status !== 'draft') throw notADraft(id);
    const content =
      fields.source !== undefined || fields.document !== undefined
        ? readContent(fields)
        : undefined;
    const record = await this.db.transaction().execute(async (tx) => {
      const before = await findPolicyVersion(tx, id, { lock: true });
      const updated = await updateDraft(tx, id, {
        ...content,
        ...(content &&
          fields.name === undefined && { name: nameOf(content.document) ?? existing.name }),
        ...(fields.name !== undefined && { name: fields.name }),
        ...(fields.author !== undefined && { author: fields.author }),
        ...(fields.note !== undefined && { note: fields.note }),
      });
      if (!before || !updated) throw notADraft(id);
      // An approval is of the content approved: an edit revokes the approvals given so far.
      const revoked = await revokeApprovals(tx, id, this.clock());
      await recordChange(tx, ctx, {
        action: 'policy.edit',
        target: { type: 'policy_version', id },
        before: auditedVersion(before),
        after: auditedVersion(updated),
        ...(revoked > 0 && { details: { approvals_revoked: revoked } }),
      });
      return updated;
    });
    return { ...record, validation: await this.validateDocument(record.document, record.id) };
  }

  async getVersion(id: string): Promise<PolicyVersionRecord> {
    if (!/^\d{1,18}$/.test(id)) throw notFound('policy version', id);
    const record = await findPolicyVersion(this.db, id);
    if (!record) throw notFound('policy version', id);
    return record;
  }

  async listVersions(options: {
    status?: 'draft' | 'published';
    cursor?: string;
    limit: number;
  }): Promise<{ items: PolicyVersionRecord[]; nextCursor: string | null }> {
    const beforeId = options.cursor && /^\d+$/.test(options.cursor) ? options.cursor : undefined;
    const rows = await listPolicyVersions(this.db, {
      status: options.status,
      beforeId,
      limit: options.limit + 1,
    });
    // Version ids are plain numbers: the cursor is the id itself.
    return toPage(rows, options.limit, (id) => id);
  }

  /** Errors and warnings of a stored version, checked against the current owner directory. */
  async validateVersion(id: string): Promise<ValidationReport> {
    const record = await this.getVersion(id);
    return this.validateDocument(record.document, id);
  }

  /** Errors and warnings of a document that is not stored. */
  async validateContent(content: PolicyContent): Promise<ValidationReport> {
    let document: unknown;
    try {
      document = readContent(content).document;
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'policy_invalid')
        return report(
          error.details.map((d) => ({ severity: 'error', path: d.path, message: d.message })),
        );
      throw error;
    }
    return this.validateDocument(document, 'draft');
  }

  private async validateDocument(document: unknown, version: string): Promise<ValidationReport> {
    await this.cache.refresh();
    return report(analyzePolicy(document, { version, directory: this.cache.currentDirectory() }));
  }

  /**
   * Publishes a valid draft, effective at `effectiveFrom` (default now; never in the past, since
   * that would rewrite which version decided earlier leads).
   */
  async publish(
    id: string,
    options: { effectiveFrom?: string; author?: string; note?: string },
    ctx: RequestContext = SYSTEM_CONTEXT,
  ): Promise<PolicyVersionRecord & { validation: ValidationReport }> {
    const now = this.clock();
    const effective = this.checkEffective(options.effectiveFrom, now);
    const draft = await this.getVersion(id);
    if (draft.status !== 'draft') throw notADraft(id);
    return this.publishDraft(draft, effective, options, ctx, 'policy.publish');
  }

  /**
   * Rolls back to an earlier version `id`: publishes a copy of it (a new version, based on it),
   * effective now or at `effectiveFrom`. 404 for a version that does not exist.
   */
  async rollback(
    id: string,
    options: { effectiveFrom?: string; note?: string },
    ctx: RequestContext = SYSTEM_CONTEXT,
  ): Promise<PolicyVersionRecord & { validation: ValidationReport }> {
    const now = this.clock();
    const effective = this.checkEffective(options.effectiveFrom, now);
    const earlier = await this.getVersion(id);
    if (earlier.status !== 'published') {
      throw new ServiceError(
        'invalid_state',
        `policy version ${earlier.id} was never published; roll back to a published version`,
        [{ path: 'id', message: 'not a published version' }],
      );
    }
    const validation = await this.validateDocument(earlier.document, earlier.id);
    if (!validation.valid) {
      throw fromIssues(validation.issues, {
        code: 'policy_invalid',
        message: `policy version ${earlier.id} no longer validates against the owner directory (${validation.errors} error(s))`,
      });
    }
    const record = await this.db.transaction().execute(async (tx) => {
      const copy = await insertDraft(tx, {
        name: earlier.name,
        source: earlier.source,
        format: earlier.format,
        document: earlier.document,
        contentHash: earlier.contentHash,
        author: ctx.actor.name ?? null,
        note: options.note ?? `rollback to version ${earlier.id}`,
        basedOn: earlier.id,
      });
      const published = await markPublished(tx, copy.id, {
        effectiveFrom: new Date(Math.max(effective, now)),
        author: null,
        note: null,
      });
      await recordChange(tx, ctx, {
        action: 'policy.rollback',
        target: { type: 'policy_version', id: published.id },
        after: auditedVersion(published),
        details: { rolled_back_to: earlier.id },
      });
      return { ...published, validation };
    });
    this.cache.markStale();
    return record;
  }

  /**
   * Approves or rejects a draft (by an ops or admin actor other than its author). The verdict is
   * of the draft's current content; the actor's earlier verdict on the draft is replaced.
   */
  async review(
    id: string,
    verdict: 'approve' | 'reject',
    options: { comment?: string },
    ctx: RequestContext,
  ): Promise<{
    version: string;
    verdict: string;
    approvals: number;
    rejections: number;
    required: number;
  }> {
    const draft = await this.getVersion(id);
    if (draft.status !== 'draft') throw notADraft(id);
    const actor = ctx.actor;
    if (actor.kind !== 'user' && actor.kind !== 'token') {
      throw new ServiceError('validation_failed', 'only a user or a token can review a draft');
    }
    return this.db.transaction().execute(async (tx) => {
      const current = await findPolicyVersion(tx, id, { lock: true });
      if (!current || current.status !== 'draft') throw notADraft(id);
      await tx
        .updateTable('policy_approvals')
        .set({ revoked_at: new Date(this.clock()) })
        .where('policy_version', '=', id)
        .where('approver_kind', '=', actor.kind)
        .where('approver_id', '=', actor.id ?? '')
        .where('revoked_at', 'is', null)
        .execute();
      await tx
        .insertInto('policy_approvals')
        .values({
          policy_version: id,
          content_hash: current.contentHash,
          approver_kind: actor.kind,
          approver_id: actor.id ?? '',
          approver_name: actor.name,
          verdict,
          comment: options.comment ?? null,
          at: new Date(this.clock()),
        })
        .execute();
      const counts = await countApprovals(tx, id, current.contentHash);
      const required = await readRequiredApprovals(tx);
      const outcome = { version: id, verdict, ...counts, required };
      await recordChange(tx, ctx, {
        action: verdict === 'approve' ? 'policy.approve' : 'policy.reject',
        target: { type: 'policy_version', id },
        details: {
          ...outcome,
          content_hash: current.contentHash,
          comment: options.comment ?? null,
        },
      });
      return outcome;
    });
  }

  private checkEffective(effectiveFrom: string | undefined, now: number): number {
    const effective = effectiveFrom === undefined ? now : Date.parse(effectiveFrom);
    if (Number.isNaN(effective)) {
      throw new ServiceError('validation_failed', 'invalid effective_from', [
        { path: 'effective_from', message: 'expected an ISO-8601 date-time' },
      ]);
    }
    if (effective < now - PAST_TOLERANCE_MS) {
      throw new ServiceError('validation_failed', 'effective_from lies in the past', [
        {
          path: 'effective_from',
          message: `must not be before now (${new Date(now).toISOString()}); past decisions keep the version they were made with`,
        },
      ]);
    }
    return effective;
  }

  private async publishDraft(
    draft: PolicyVersionRecord,
    effective: number,
    options: { author?: string; note?: string },
    ctx: RequestContext,
    action: string,
  ): Promise<PolicyVersionRecord & { validation: ValidationReport }> {
    const id = draft.id;
    const now = this.clock();
    // Validation reads the owner directory through the cache, outside the transaction: PGlite has
    // a single connection, which the transaction holds.
    const validation = await this.validateDocument(draft.document, id);
    if (!validation.valid) {
      throw fromIssues(validation.issues, {
        code: 'policy_invalid',
        message: `policy version ${id} has ${validation.errors} error(s); fix them before publishing`,
      });
    }
    const record = await this.db.transaction().execute(async (tx) => {
      const current = await findPolicyVersion(tx, id, { lock: true });
      if (!current) throw notFound('policy version', id);
      if (current.status !== 'draft') throw notADraft(id);
      if (current.contentHash !== draft.contentHash) {
        throw new ServiceError(
          'conflict',
          `policy version ${id} was edited while being published; publish again`,
        );
      }
      // Approvals: N verdicts of approval by others than the author, of this very content, and
      // no standing rejection.
      const required = await readRequiredApprovals(tx);
      if (required > 0) {
        const approvals = await countApprovals(tx, id, current.contentHash, ctx.actor);
        if (approvals.rejections > 0 || approvals.approvals < required) {
          const missing = required - approvals.approvals;
          throw new ServiceError(
            'invalid_state',
            approvals.rejections > 0
              ? `policy version ${id} was rejected by ${approvals.rejections} reviewer(s); edit it or have them approve`
              : `policy version ${id} needs ${required} approval(s) by other ops or admin actors; ${missing} missing`,
            [
              {
                path: 'approvals',
                message: `${approvals.approvals} of ${required}; ${Math.max(missing, 0)} missing`,
              },
            ],
          );
        }
      }
      const published = await markPublished(tx, id, {
        effectiveFrom: new Date(Math.max(effective, now)),
        author: options.author ?? null,
        note: options.note ?? null,
      });
      const events = await appendPolicyPublished(
        tx,
        this.cache.activeEventTypes(),
        published,
        new Date(now),
      );
      await recordChange(tx, ctx, {
        action,
        target: { type: 'policy_version', id },
        before: auditedVersion(current),
        after: auditedVersion(published),
      });
      return { ...published, validation, events };
    });
    this.cache.markStale();
    const { events, ...published } = record;
    this.events?.committed(events);
    return published;
  }

  /** JSON Schema of the policy document, for editors. */
  documentSchema(): Record<string, unknown> {
    return policyJsonSchema();
  }

  /** The published version in force at `at` (default now). */
  async versionInForce(at?: number): Promise<PolicyVersionRecord> {
    const when = at ?? this.clock();
    const record = await findVersionInForce(this.db, new Date(when));
    if (!record)
      throw new ServiceError(
        'not_found',
        `no policy version is in force at ${new Date(when).toISOString()}`,
      );
    return record;
  }

  async diffVersions(
    fromId: string,
    toId: string,
  ): Promise<{ from: string; to: string; changes: PolicyChange[] }> {
    const [a, b] = [await this.getVersion(fromId), await this.getVersion(toId)];
    return { from: a.id, to: b.id, changes: diffPolicies(a.document, b.document) };
  }
}

/** A version as its audit entries record it (the document itself is named by its hash). */
function auditedVersion(v: PolicyVersionRecord) {
  return {
    id: v.id,
    status: v.status,
    name: v.name,
    content_hash: v.contentHash,
    source: v.source,
    effective_from: v.effectiveFrom,
    author: v.author,
    note: v.note,
    based_on: v.basedOn,
  };
}

function readContent(content: PolicyContent): {
  source: string;
  format: 'yaml' | 'json';
  document: unknown;
  contentHash: string;
} {
  let document: unknown;
  let source: string;
  let format: 'yaml' | 'json';
  if (content.source !== undefined && content.document !== undefined) {
    throw new ServiceError(
      'validation_failed',
      'give the policy as `source` or as `document`, not both',
      [
        { path: 'source', message: 'not with `document`' },
        { path: 'document', message: 'not with `source`' },
      ],
    );
  }
  if (content.source !== undefined) {
    const text = content.source;
    const syntax = content.format ?? (/^\s*[{[]/.test(text) ? 'json' : 'yaml');
    document = readOrFail(() => parseStructuredText(text, syntax, 'policy'), {
      code: 'policy_invalid',
      message: `the policy is not valid ${syntax.toUpperCase()}`,
      path: (path) => path || 'source',
      describe: formatIssue,
    });
    source = text;
    format = syntax;
  } else if (content.document !== undefined) {
    document = content.document;
    format = 'json';
    source = JSON.stringify(document, null, 2);
  } else {
    throw new ServiceError(
      'validation_failed',
      'a policy needs `source` (YAML or JSON text) or `document`',
      [{ path: 'source', message: 'required unless `document` is given' }],
    );
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new ServiceError('policy_invalid', 'a policy document is a map of settings', [
      { path: 'source', message: 'expected a map (rules, pools, …)' },
    ]);
  }
  return { source, format, document, contentHash: hashDocument(document) };
}

/** Hash of the parsed document (canonical JSON): comments and layout do not change it. */
export function hashDocument(document: unknown): string {
  return `sha256:${createHash('sha256').update(canonical(document)).digest('hex')}`;
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

function nameOf(document: unknown): string | null {
  const name = (document as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : null;
}

function notADraft(id: string): ServiceError {
  return new ServiceError(
    'not_a_draft',
    `policy version ${id} is published and immutable; create a new draft (based_on: ${id}) to change it`,
  );
}

function report(issues: readonly PolicyIssue[]): ValidationReport {
  const errors = issues.filter((i) => i.severity === 'error').length;
  return {
    valid: errors === 0,
    errors,
    warnings: issues.length - errors,
    issues: issues.map((i) => ({ severity: i.severity, path: i.path, message: i.message })),
  };
}
