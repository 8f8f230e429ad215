/**
 * Shared plumbing of the input formats: reading YAML, JSON and CSV text into plain values with
 * every syntax problem reported as a `PolicyIssue`, the lenient scalar readers spreadsheets need
 * (yes/no, numbers, `;`-separated lists), instants in a given time zone, and the "did you mean"
 * messages for unknown keys and columns.
 */
import { parse as parseCsvText } from 'csv-parse/sync';
import { distance } from 'fastest-levenshtein';
import { DateTime, IANAZone } from 'luxon';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { joinPath, ValidationError, type PolicyIssue } from '../engine/issues.ts';

/** The text formats of data files (owners, accounts). */
export type TextFormat = 'csv' | 'yaml' | 'json';

/** One step of a path inside a parsed document: an object key or an array index. */
export type PathSegment = string | number;

/** Shorthand for an error-severity issue. */
export function errorIssue(path: string, message: string): PolicyIssue {
  return { severity: 'error', path, message };
}

/** Writes a relative path the way issue paths are written, under `parent`. */
export function pathOf(parent: string, segments: readonly PathSegment[]): string {
  let path = parent;
  for (const s of segments) path = joinPath(path, s);
  return path;
}

/** Throws a `ValidationError` when any issue is an error. */
export function throwIfErrors(issues: readonly PolicyIssue[], what: string): void {
  if (issues.some((i) => i.severity === 'error'))
    throw new ValidationError(capIssues(issues), what);
}

/** A file with a bad value on every line would otherwise produce a megabyte-long message. */
const MAX_ISSUES = 50;

function capIssues(issues: readonly PolicyIssue[]): readonly PolicyIssue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  const rest = issues.length - MAX_ISSUES;
  return [
    ...issues.slice(0, MAX_ISSUES),
    errorIssue('', `… and ${rest} more problem${rest === 1 ? '' : 's'}`),
  ];
}

// ---------------------------------------------------------------------------------------------
// Structured text
// ---------------------------------------------------------------------------------------------

/**
 * Parses YAML or JSON text into a plain value. YAML uses the 1.2 core schema (the `yaml`
 * package's default), so `no`, `on` and `2026-12-25` stay strings instead of turning into
 * booleans and dates behind the writer's back; duplicate keys are errors.
 */
export function parseStructuredText(text: string, format: 'yaml' | 'json', what: string): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ValidationError(
        [errorIssue('', `not valid JSON: ${(error as Error).message}`)],
        what,
      );
    }
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    // The package's messages end with a code frame; its first line already says where (`… at
    // line 2, column 3:`, the colon introducing the frame).
    const issues = doc.errors.map((e) =>
      errorIssue('', `not valid YAML: ${e.message.split('\n')[0]!.replace(/:$/, '')}`),
    );
    throw new ValidationError(issues, what);
  }
  return doc.toJS() as unknown;
}

/**
 * The list of records of a YAML/JSON document: either the document itself or the list under
 * `key` (`{owners: [...]}`). An empty document is an empty list.
 */
export function recordList(doc: unknown, key: string, what: string): unknown[] {
  if (doc === null || doc === undefined) return [];
  if (Array.isArray(doc)) return doc;
  if (typeof doc === 'object') {
    const keys = Object.keys(doc);
    const list = (doc as Record<string, unknown>)[key];
    if (keys.length === 1 && keys[0] === key && (Array.isArray(list) || list === null))
      return list ?? [];
    if (keys.length === 1 && keys[0] === key) {
      throw new ValidationError([errorIssue(key, `must be a list of ${what}`)], what);
    }
  }
  throw new ValidationError(
    [
      errorIssue(
        '',
        `expected a list of ${what}, or an object with a single key "${key}" holding that list`,
      ),
    ],
    what,
  );
}

/** The records of YAML/JSON text: {@link parseStructuredText}, then {@link recordList}. */
export function readRecordList(text: string, format: 'yaml' | 'json', key: string): unknown[] {
  return recordList(parseStructuredText(text, format, key), key, key);
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/** A CSV file as its header and data rows; `rowNumber(i)` names data row `i` in messages. */
export interface CsvTable {
  header: string[];
  rows: string[][];
}

/**
 * Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is
 * row 2. That is the number an admin looks for when fixing the file.
 */
export function csvRowNumber(index: number): number {
  return index + 2;
}

/** Where a CSV cell is, as issue paths write it: `row 4, column time_zone`. */
export function csvPath(index: number, column?: string): string {
  return column === undefined
    ? `row ${csvRowNumber(index)}`
    : `row ${csvRowNumber(index)}, column ${column}`;
}

/**
 * Parses CSV text (comma-separated, RFC 4180 quoting, optional BOM, blank lines skipped). Values
 * are kept as written except for surrounding whitespace. A row with a different number of values
 * than the header is an error: a shifted row would silently put values under the wrong column.
 */
export function readCsv(text: string, what: string): CsvTable {
  let records: string[][];
  try {
    records = parseCsvText(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as string[][];
  } catch (error) {
    const lines = (error as { lines?: unknown }).lines;
    const where = typeof lines === 'number' ? `line ${lines}` : '';
    throw new ValidationError(
      [errorIssue(where, `not valid CSV: ${(error as Error).message}`)],
      what,
    );
  }
  const [header = [], ...rows] = records;
  const issues: PolicyIssue[] = [];
  rows.forEach((row, i) => {
    if (row.length !== header.length) {
      issues.push(
        errorIssue(
          csvPath(i),
          `has ${row.length} values but the header has ${header.length} columns`,
        ),
      );
    }
  });
  const seen = new Set<string>();
  for (const name of header) {
    if (name === '') issues.push(errorIssue('row 1', 'a column has no name'));
    else if (seen.has(name))
      issues.push(errorIssue('row 1', `column "${name}" appears more than once`));
    seen.add(name);
  }
  throwIfErrors(issues, what);
  return { header, rows };
}

/**
 * Checks a CSV header against the columns a format knows: unknown columns (with a suggestion for
 * likely typos) and missing required ones are errors.
 */
export function checkColumns(
  header: readonly string[],
  allowed: readonly string[],
  required: readonly string[],
): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  for (const name of header) {
    if (!allowed.includes(name))
      issues.push(errorIssue(`column ${name}`, unknownKeyMessage('column', name, allowed)));
  }
  for (const name of required) {
    if (!header.includes(name))
      issues.push(errorIssue('row 1', `required column "${name}" is missing`));
  }
  return issues;
}

/** `unknown column "tim_zone" (did you mean "time_zone"?); expected one of id, name, …` */
export function unknownKeyMessage(
  kind: 'key' | 'column',
  name: string,
  allowed: readonly string[],
): string {
  const guess = suggest(name, allowed);
  return `unknown ${kind} ${JSON.stringify(name)}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}; expected one of ${allowed.join(', ')}`;
}

/** The closest allowed name when it is plausibly a typo (at most a third of the letters differ). */
export function suggest(name: string, allowed: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(name.length / 3))
    ? best
    : undefined;
}

// ---------------------------------------------------------------------------------------------
// zod issues
// ---------------------------------------------------------------------------------------------

/**
 * Turns zod issues into `PolicyIssue`s. `locate` writes a path (relative to the record) the way
 * the format does; `allowedKeys` names the keys an object at a path accepts, so an unknown key's
 * message can list them.
 */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  locate: (path: readonly PathSegment[]) => PolicyIssue,
  allowedKeys: (path: readonly PathSegment[]) => readonly string[],
): PolicyIssue[] {
  const out: PolicyIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const at = locate([...path, key]);
        out.push({
          ...at,
          message: prefix(at.message, unknownKeyMessage('key', key, allowedKeys(path))),
        });
      }
    } else {
      const at = locate(path);
      out.push({ ...at, message: prefix(at.message, issue.message) });
    }
  }
  return out;
}

function prefix(context: string, message: string): string {
  return context ? `${context}: ${message}` : message;
}

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);

/** Reads true/false/yes/no/y/n/1/0 (any case) or a boolean; undefined for anything else. */
export function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/** Which values count as yes/no, for error messages. */
export const BOOLEAN_WORDS = 'true, false, yes, no, 1 or 0';

/**
 * Decimal numbers as people write them in spreadsheets: `42`, `-3`, `1100.04`. A leading zero
 * (`007`, `02134`) marks a code, not a quantity, so it stays text; so do exponents and thousands
 * separators, which are more often identifiers or locale-specific than intended numbers.
 */
const NUMERIC = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** True for text {@link NUMERIC} reads as a number. */
export function isNumericText(text: string): boolean {
  return text.length <= 20 && NUMERIC.test(text);
}

/** Splits a `;`-separated (or `,`-separated) list cell into trimmed, non-empty items. */
export function splitList(text: string): string[] {
  return text
    .split(/[;,]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * A URL-safe id from a name: `Gekko & Co` → `gekko-co`, `Müller GmbH` → `muller-gmbh`. Accents are
 * folded so ids stay ASCII and stable across systems.
 */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

// ---------------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------------

/** True when `tz` names an IANA time zone the runtime knows. */
export function isTimeZone(tz: string): boolean {
  return tz.length > 0 && IANAZone.isValidZone(tz);
}

let zoneNames: readonly string[] | undefined;

/** `unknown time zone "Europe/Berln" (did you mean "Europe/Berlin"?); expected an IANA name …` */
export function unknownTimeZoneMessage(tz: string): string {
  zoneNames ??= Intl.supportedValuesOf('timeZone');
  const guess = suggest(tz, zoneNames);
  return `unknown time zone ${JSON.stringify(tz)}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}; expected an IANA name such as Europe/Berlin or America/New_York`;
}

/**
 * Reads an instant: epoch milliseconds, or ISO-8601 text (`2026-12-20`, `2026-12-20T09:00`,
 * `2026-12-20T09:00:00+01:00`, a space instead of `T` too). Text without an offset is wall-clock
 * time in `zone`; a bare date is that day's local midnight. Undefined when unreadable.
 */
export function readInstant(value: unknown, zone: string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{10,}$/.test(text)) return Number(text);
  let dt = DateTime.fromISO(text, { zone });
  if (!dt.isValid) dt = DateTime.fromSQL(text, { zone });
  return dt.isValid ? dt.toMillis() : undefined;
}

/** What {@link readInstant} accepts, for error messages. */
export const INSTANT_FORMATS =
  'expected ISO-8601 such as 2026-12-20, 2026-12-20T09:00 or 2026-12-20T09:00:00+01:00';
