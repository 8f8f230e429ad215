/**
 * How values appear in explanations (`country in [US, CA] (was "DE")`) and in error messages
 * (`expected a number, got "lots"`). Each operator words its own clause in the operator table.
 */
import { isPresent } from './predicates.ts';
import type { Scalar } from './types.ts';

const MAX_SHOWN_ITEMS = 10;

/** ` (case-sensitive)` after a clause that compares text respecting case, else nothing. */
export function caseNote(caseSensitive: boolean): string {
  return caseSensitive ? ' (case-sensitive)' : '';
}

/** A value of a clause: text quoted, numbers and booleans bare. */
export function showScalar(x: Scalar): string {
  return typeof x === 'string' ? JSON.stringify(x) : String(x);
}

/** `[US, CA]`: bare words read best; anything that could be misread is quoted. */
export function showList(xs: readonly Scalar[]): string {
  const shown = xs
    .slice(0, MAX_SHOWN_ITEMS)
    .map((x) =>
      typeof x === 'string' && /^[^\s,[\]"'][^,[\]"]*$/.test(x) && x.trim() === x
        ? x
        : showScalar(x),
    );
  if (xs.length > MAX_SHOWN_ITEMS) shown.push(`… ${xs.length - MAX_SHOWN_ITEMS} more`);
  return `[${shown.join(', ')}]`;
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** What a document held where something else was expected, for error messages: `a list`, `"web"`. */
export function describeInput(x: unknown): string {
  if (x === undefined) return 'nothing';
  if (x === null) return 'null';
  if (Array.isArray(x)) return x.length === 0 ? 'an empty list' : 'a list';
  if (typeof x === 'object') return 'a map';
  if (typeof x === 'string') return JSON.stringify(truncate(x, 60));
  return String(x);
}

/** The lead's value as the explanation shows it: `missing`, `"DE"`, `1200`, `["dach", "emea"]`. */
export function showValue(v: unknown): string {
  if (!isPresent(v)) return 'missing';
  if (Array.isArray(v)) {
    const shown = v.slice(0, MAX_SHOWN_ITEMS).map(showElement);
    if (v.length > MAX_SHOWN_ITEMS) shown.push(`… ${v.length - MAX_SHOWN_ITEMS} more`);
    return `[${shown.join(', ')}]`;
  }
  return showElement(v);
}

/** Quoted forms of recent text values: explanations show the same countries and sources over and over. */
const shownText = new Map<string, string>();

function showElement(v: unknown): string {
  if (typeof v === 'string') {
    let shown = shownText.get(v);
    if (shown === undefined) {
      shown = JSON.stringify(truncate(v.trim(), 80));
      if (shownText.size >= 10_000) shownText.clear();
      shownText.set(v, shown);
    }
    return shown;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined)
    return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'an object';
}
