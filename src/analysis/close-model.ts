/**
 * When simulated leads close. Production releases an owner's open load as leads are converted,
 * disqualified or closed; a simulation that never closes a lead lets least_loaded and `max_open`
 * caps see load that only grows. A close model says when each assigned lead closes: as the input
 * says (a `closed_at` time, or a closing `status` plus a delay), or by shares and delays the user
 * chooses. Pure: the "random" draw is a hash of the seed and the lead's position, so the same
 * input and seed close the same leads at the same times.
 *
 * Syntax (`--close-model`), terms separated by commas:
 * - `converted:0.3@2d`: 30 % of leads (also `30%`) are converted 2 days after assignment; statuses
 *   `converted`, `disqualified`, `closed`; delays in `m`, `h`, `d` or `w` (`90m`, `1.5d`). The
 *   shares add up to at most 1; the rest stay open to the end.
 * - `input` or `input@3d`: a lead with a `closed_at` time closes then; one whose `status` is
 *   converted, disqualified or closed but gives no time closes after the delay (without one it is
 *   left to the other terms). Leads the input says nothing about fall to the other terms.
 * - `none`: no lead closes (the default).
 * `--close-after 3d` is `closed:1@3d`: every lead closes three days after it was assigned.
 */
import { CLOSED_LEAD_STATUSES, type EpochMs, type Lead } from '../engine/index.ts';

/** One share of leads that closes with `status` `afterMs` after assignment. */
export interface CloseTerm {
  status: 'converted' | 'disqualified' | 'closed';
  share: number;
  afterMs: number;
}

/** How simulated leads close; see the module comment for the text syntax. */
export interface CloseModel {
  /** Read `closed_at` / `status` from the lead first. */
  fromInput: boolean;
  /** With `fromInput`: delay after assignment for a lead whose status is closing but has no time. */
  inputStatusAfterMs?: number;
  terms: readonly CloseTerm[];
  /** Seeds the per-lead draw among the terms. */
  seed: number;
}

/** No lead ever closes. */
export const NEVER_CLOSE: CloseModel = Object.freeze({ fromInput: false, terms: [], seed: 1 });

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const STATUSES = ['converted', 'disqualified', 'closed'] as const;
const SYNTAX =
  'terms like converted:0.3@2d, disqualified:50%@5d, closed:1@3d, input, input@2d or none (delays in m, h, d, w)';

/** A delay such as `90m`, `4h`, `3d`, `1.5d`, `2w`, in ms; throws a RangeError naming the syntax. */
export function parseDelay(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([mhdw])$/.exec(text.trim());
  if (!m) throw new RangeError(`"${text}" is not a delay: a number and m, h, d or w (e.g. 3d)`);
  return Math.round(Number(m[1]) * UNITS[m[2]!]!);
}

/**
 * Reads a close model (`converted:0.3@2d,disqualified:0.5@5d`, `input`, `none`…).
 *
 * @throws RangeError naming the term that is wrong and what is allowed.
 */
export function parseCloseModel(text: string, seed = 1): CloseModel {
  let fromInput = false;
  let inputStatusAfterMs: number | undefined;
  const terms: CloseTerm[] = [];
  for (const raw of text.split(',')) {
    const term = raw.trim();
    if (term === 'none') continue;
    if (term === 'input' || term.startsWith('input@')) {
      fromInput = true;
      if (term !== 'input') inputStatusAfterMs = parseDelay(term.slice(6));
      continue;
    }
    const m = /^([a-z_]+):([\d.]+%?)@(.+)$/.exec(term);
    if (!m) throw new RangeError(`"${term}" is not a close term: use ${SYNTAX}`);
    const status = m[1] as CloseTerm['status'];
    if (!STATUSES.includes(status))
      throw new RangeError(`"${m[1]}" is not a closing status: use ${STATUSES.join(', ')}`);
    const share = m[2]!.endsWith('%') ? Number(m[2]!.slice(0, -1)) / 100 : Number(m[2]);
    if (!(share > 0 && share <= 1))
      throw new RangeError(`"${m[2]}" is not a share: use a number in (0, 1] or a percentage`);
    terms.push({ status, share, afterMs: parseDelay(m[3]!) });
  }
  const total = terms.reduce((a, t) => a + t.share, 0);
  if (total > 1 + 1e-9)
    throw new RangeError(`the shares add up to ${total.toFixed(2)}; they may add up to at most 1`);
  return { fromInput, inputStatusAfterMs, terms, seed };
}

/** `--close-after 3d`: every lead closes that long after assignment. */
export function closeAfterModel(delay: string): CloseModel {
  return {
    fromInput: false,
    terms: [{ status: 'closed', share: 1, afterMs: parseDelay(delay) }],
    seed: 1,
  };
}

/** The model in words, for the summary: `30% converted after 2d, 50% disqualified after 5d, 20% stay open`. */
export function describeCloseModel(model: CloseModel): string {
  const parts: string[] = [];
  if (model.fromInput)
    parts.push(
      `as the input says (closed_at${model.inputStatusAfterMs !== undefined ? `, or a closing status + ${formatDelay(model.inputStatusAfterMs)}` : ''})`,
    );
  for (const t of model.terms)
    parts.push(`${percent(t.share)} ${t.status} after ${formatDelay(t.afterMs)}`);
  const rest = 1 - model.terms.reduce((a, t) => a + t.share, 0);
  if (parts.length === 0) return 'none: no lead closes';
  if (model.terms.length && rest > 1e-9) parts.push(`${percent(rest)} stay open`);
  if (model.terms.length) parts.push(`seed ${model.seed}`);
  return parts.join(', ');
}

/**
 * When the lead at `position`, assigned at `assignedAt`, closes under `model`; undefined for
 * never. `parseTime` reads the lead's `closed_at` (the caller's format layer knows how).
 */
export function closeTimeOf(
  model: CloseModel,
  lead: Lead,
  position: number,
  assignedAt: EpochMs,
  parseTime: (value: unknown) => EpochMs | undefined,
): EpochMs | undefined {
  if (model.fromInput) {
    const at = lead.closed_at === undefined ? undefined : parseTime(lead.closed_at);
    // A lead closed before it was routed here still held its owner for no time at all.
    if (at !== undefined) return Math.max(at, assignedAt);
    const status = typeof lead.status === 'string' ? lead.status.trim().toLowerCase() : '';
    if (CLOSED_LEAD_STATUSES.has(status) && model.inputStatusAfterMs !== undefined)
      return assignedAt + model.inputStatusAfterMs;
  }
  if (model.terms.length === 0) return undefined;
  let draw = unitHash(model.seed, position);
  for (const t of model.terms) {
    if (draw < t.share) return assignedAt + t.afterMs;
    draw -= t.share;
  }
  return undefined;
}

/** A number in [0, 1) from (seed, position): splitmix32-style mixing, stable across runs. */
function unitHash(seed: number, position: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(position + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h / 4_294_967_296;
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

function formatDelay(ms: number): string {
  for (const [unit, size] of [
    ['w', UNITS.w!],
    ['d', UNITS.d!],
    ['h', UNITS.h!],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${Math.round(ms / 60_000)}m`;
}
