/** What the intake takes and gives back. */
import type { DecisionRecord, LeadRecord } from '../../store/leads-repo.ts';

/** One lead to take in. */
export interface IntakeRequest {
  /** The lead's attributes as given (without `external_id`). */
  attributes: Record<string, unknown>;
  externalId?: string;
  /**
   * Idempotency key, scoped by the caller (the header's). Without one, the external id is the key;
   * with both, the external id's key is claimed too (see `externalIdKey`).
   */
  idempotencyKey?: string;
  /** Hash of the request body (`hashRequest`): the same key with another body is a conflict. */
  requestHash: string;
  /** `performance.now()` at arrival. */
  receivedAt: number;
  /** The submitting actor (`actorRef`), stored with the lead. */
  createdBy?: string;
}

export interface IntakeResult {
  lead: LeadRecord;
  decision: DecisionRecord;
  /** True when the key was seen before and this is the stored result. */
  replayed: boolean;
}
