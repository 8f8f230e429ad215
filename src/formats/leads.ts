/**
 * Reading leads from CSV, JSON Lines or JSON text, optionally through a column mapping that
 * renames export columns to lead fields, drops placeholders such as `Select`, and adds constants.
 *
 * Files run from a few thousand to a million leads, so the mapping is compiled once per file into
 * a plan of column indexes (or keys), and each row is then a single pass that builds one object:
 * no per-row regular expressions beyond the numeric test, no intermediate objects.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { PolicyIssue } from '../engine/issues.ts';
import type { AttributeValue, Lead } from '../engine/types.ts';
import {
  errorIssue,
  fromZodIssues,
  isNumericText,
  parseStructuredText,
  pathOf,
  readCsv,
  throwIfErrors,
} from './common.ts';

/** Formats {@link parseLeads} reads. */
export type LeadsFormat = 'csv' | 'jsonl' | 'json';

/** A constant value a mapping gives every lead. */
export type ConstantValue = string | number | boolean;

/**
 * How the columns of a lead file become lead fields. Everything is optional; {@link parseLeadMapping}
 * fills in the defaults.
 */
export interface LeadMapping {
  /**
   * Lead field ← column (CSV) or key (JSON). A list names fallbacks: the first column with a value
   * wins (`email: [Email, "Work Email"]`).
   */
  fields?: Readonly<Record<string, string | readonly string[]>>;
  /** Keep columns no field maps from, under their own name. Default true. */
  keepUnmapped?: boolean;
  /** Values that mean "no value" (compared trimmed and case-insensitively); blanks always do. */
  nullValues?: readonly string[];
  /** Fields set on every lead. A field cannot be both mapped and constant. */
  constants?: Readonly<Record<string, ConstantValue>>;
  /** Fields whose numeric-looking CSV values stay text, in addition to {@link DEFAULT_TEXT_FIELDS}. */
  textFields?: readonly string[];
}

/**
 * Fields that stay text even when they look numeric: identifiers and codes, where `02134` or
 * `4915112345` is not a quantity. Postal codes especially: a number would lose leading zeros.
 */
export const DEFAULT_TEXT_FIELDS: readonly string[] = [
  'id',
  'email',
  'company',
  'website',
  'country',
  'state',
  'postal_code',
  'city',
  'language',
  'phone',
  'name',
  'first_name',
  'last_name',
];

const MAPPING_KEYS = [
  'fields',
  'keep_unmapped',
  'null_values',
  'constants',
  'text_fields',
] as const;

const name = z.string().trim().min(1);
const mappingSchema = z.strictObject({
  fields: z.record(name, z.union([name, z.array(name).min(1)])).default({}),
  keep_unmapped: z.boolean().default(true),
  // YAML reads `~` and an empty item as null, and `0` as a number; all of them mean the written text.
  null_values: z
    .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .default([])
    .transform((list) => list.map((v) => (v === null ? '' : String(v)))),
  constants: z.record(name, z.union([z.string(), z.number(), z.boolean()])).default({}),
  text_fields: z.array(name).default([]),
});

/**
 * Parses a lead mapping from YAML:
 *
 * ```yaml
 * fields: { source: "Lead Source", country: Country, email: [Email, "Work Email"] }
 * keep_unmapped: false         # default true: unmapped columns are kept under their own name
 * null_values: [Select, NA]    # values treated as missing; blanks always are
 * constants: { language: en }  # set on every lead
 * text_fields: [lead_number]   # never parsed as numbers
 * ```
 *
 * @throws ValidationError with paths such as `fields.source` or `constants.language`.
 */
export function parseLeadMapping(text: string): Required<LeadMapping> {
  const doc = parseStructuredText(text, 'yaml', 'lead mapping') ?? {};
  const parsed = mappingSchema.safeParse(doc);
  if (!parsed.success) {
    const issues = fromZodIssues(
      parsed.error.issues,
      (path) => errorIssue(pathOf('', path), ''),
      (path) => (path.length === 0 ? MAPPING_KEYS : []),
    );
    throwIfErrors(issues, 'lead mapping');
  }
  const m = parsed.data!;
  const issues: PolicyIssue[] = [];
  for (const field of Object.keys(m.constants)) {
    if (field in m.fields) {
      issues.push(
        errorIssue(
          pathOf('constants', [field]),
          `"${field}" is also mapped in fields; a field is either read from a column or constant`,
        ),
      );
    }
  }
  throwIfErrors(issues, 'lead mapping');
  return {
    fields: m.fields,
    keepUnmapped: m.keep_unmapped,
    nullValues: m.null_values,
    constants: m.constants,
    textFields: m.text_fields,
  };
}

/**
 * Parses leads.
 *
 * - CSV: a header row, then one lead per row. Blank cells and the mapping's `null_values` are
 *   missing values (left out); plain decimals (`42`, `1100.04`, not `007`) become numbers unless the
 *   field is a text field ({@link DEFAULT_TEXT_FIELDS} plus the mapping's `text_fields`).
 * - JSONL: one JSON object per line; blank lines are skipped.
 * - JSON: a list of objects, or `{leads: [...]}`.
 *
 * JSON values keep their types (the writer chose them); `null` and the mapping's null values are
 * missing; nested objects are rejected, since conditions compare scalars and lists of text.
 * Without a mapping, every column or key becomes the field of the same name.
 *
 * @throws ValidationError listing the problems (at most 50, then a count): a mapped column the
 *   CSV lacks, a row with the wrong number of values (`row 7`), a line that is not a JSON object
 *   (`line 12`), a nested value (`leads[3].address`).
 */
export function parseLeads(text: string, format: LeadsFormat, mapping?: LeadMapping): Lead[] {
  const plan = compileMapping(mapping);
  if (format === 'csv') return parseCsvLeads(text, plan);
  if (format === 'jsonl') return parseJsonLines(text, plan);
  const list = parseStructuredText(text, 'json', 'leads');
  const records = Array.isArray(list)
    ? list
    : isObject(list) && Array.isArray(list.leads) && Object.keys(list).length === 1
      ? list.leads
      : undefined;
  if (!records) {
    throwIfErrors(
      [errorIssue('', 'expected a list of lead objects, or {"leads": [...]}')],
      'leads',
    );
    return [];
  }
  const issues: PolicyIssue[] = [];
  const leads: Lead[] = [];
  records.forEach((record, i) => {
    const lead = leadFromObject(record, plan, `leads[${i}]`, issues);
    if (lead) leads.push(lead);
  });
  throwIfErrors(issues, 'leads');
  return leads;
}

// ---------------------------------------------------------------------------------------------
// The compiled mapping
// ---------------------------------------------------------------------------------------------

interface Plan {
  /** field → source columns/keys in order of preference; empty when there is no mapping. */
  fields: ReadonlyArray<readonly [string, readonly string[]]>;
  /** Source names some field reads, so `keepUnmapped` can skip them. */
  mappedSources: ReadonlySet<string>;
  keepUnmapped: boolean;
  /** Lower-cased null values, and the longest one (longer text cannot be a null value). */
  nullValues: ReadonlySet<string>;
  nullMaxLength: number;
  constants: ReadonlyArray<readonly [string, ConstantValue]>;
  textFields: ReadonlySet<string>;
  /** No renaming, dropping or constants: a record's fields are the lead's. */
  identity: boolean;
}

function compileMapping(mapping: LeadMapping | undefined): Plan {
  const fields = Object.entries(mapping?.fields ?? {}).map(
    ([field, source]) => [field, typeof source === 'string' ? [source] : source] as const,
  );
  const nullValues = new Set((mapping?.nullValues ?? []).map((v) => v.trim().toLowerCase()));
  nullValues.delete('');
  const keepUnmapped = mapping?.keepUnmapped ?? true;
  const constants = Object.entries(mapping?.constants ?? {});
  return {
    identity: fields.length === 0 && keepUnmapped && constants.length === 0,
    fields,
    mappedSources: new Set(fields.flatMap(([, sources]) => sources)),
    keepUnmapped,
    nullValues,
    nullMaxLength: Math.max(0, ...[...nullValues].map((v) => v.length)),
    constants,
    textFields: new Set([...DEFAULT_TEXT_FIELDS, ...(mapping?.textFields ?? [])]),
  };
}

function isNullText(text: string, plan: Plan): boolean {
  if (text === '') return true;
  if (text.length > plan.nullMaxLength) return false;
  return plan.nullValues.has(text.trim().toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

function parseCsvLeads(text: string, plan: Plan): Lead[] {
  const { header, rows } = readCsv(text, 'leads');
  const index = new Map(header.map((column, i) => [column, i]));
  const issues: PolicyIssue[] = [];
  // Each output field with the column indexes it reads, resolved once for the whole file.
  const columns: Array<{ field: string; from: number[]; text: boolean }> = [];
  for (const [field, sources] of plan.fields) {
    const from: number[] = [];
    for (const source of sources) {
      const i = index.get(source);
      if (i === undefined) {
        issues.push(
          errorIssue(
            pathOf('mapping.fields', [field]),
            `column ${JSON.stringify(source)} is not in the file; its columns are ${header.join(', ')}`,
          ),
        );
      } else {
        from.push(i);
      }
    }
    columns.push({ field, from, text: plan.textFields.has(field) });
  }
  throwIfErrors(issues, 'leads');
  if (plan.keepUnmapped) {
    header.forEach((column, i) => {
      if (!plan.mappedSources.has(column))
        columns.push({ field: column, from: [i], text: plan.textFields.has(column) });
    });
  }

  const leads: Lead[] = new Array<Lead>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const lead: Record<string, AttributeValue> = {};
    for (const column of columns) {
      for (const i of column.from) {
        const value = row[i];
        if (value === undefined || isNullText(value, plan)) continue;
        lead[column.field] = !column.text && isNumericText(value) ? Number(value) : value;
        break;
      }
    }
    for (const [field, value] of plan.constants) lead[field] = value;
    leads[r] = lead as Lead;
  }
  return leads;
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

function parseJsonLines(text: string, plan: Plan): Lead[] {
  const leads: Lead[] = [];
  const issues: PolicyIssue[] = [];
  let start = 0;
  let line = 0;
  // Walking with indexOf avoids materialising an array of a million line strings up front.
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const content = text.slice(start, end).trim();
    start = end + 1;
    if (content === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(content);
    } catch (error) {
      issues.push(errorIssue(`line ${line}`, `not valid JSON: ${(error as Error).message}`));
      continue;
    }
    const lead = leadFromObject(record, plan, `line ${line}`, issues);
    if (lead) leads.push(lead);
  }
  throwIfErrors(issues, 'leads');
  return leads;
}

/**
 * Without a mapping, a parsed JSON object whose values are all usable is the lead itself: building
 * a copy of each of a million records would double the parse time for nothing.
 */
function isCleanRecord(record: Record<string, unknown>, plan: Plan): boolean {
  for (const key in record) {
    const value = record[key];
    if (typeof value === 'string') {
      if (isNullText(value.trim(), plan)) return false;
    } else if (typeof value !== 'number' && typeof value !== 'boolean') {
      return false;
    }
  }
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON value as a lead attribute, or undefined when it means "no value". */
function jsonValue(value: unknown, plan: Plan): AttributeValue | typeof INVALID {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return isNullText(value.trim(), plan) ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return INVALID;
}

const INVALID = Symbol('invalid');

function leadFromObject(
  record: unknown,
  plan: Plan,
  where: string,
  issues: PolicyIssue[],
): Lead | undefined {
  if (!isObject(record)) {
    issues.push(
      errorIssue(
        where,
        `expected a lead object; got ${Array.isArray(record) ? 'a list' : JSON.stringify(record)}`,
      ),
    );
    return undefined;
  }
  if (plan.identity && isCleanRecord(record, plan)) return record as Lead;
  const lead: Record<string, AttributeValue> = {};
  let ok = true;
  const take = (field: string, key: string): boolean => {
    const value = jsonValue(record[key], plan);
    if (value === INVALID) {
      issues.push(
        errorIssue(
          where.startsWith('line') ? `${where}, ${key}` : pathOf(where, [key]),
          'nested values are not supported: use text, a number, true/false or a list of texts (flatten objects into top-level fields)',
        ),
      );
      ok = false;
      return false;
    }
    if (value === undefined) return false;
    lead[field] = value;
    return true;
  };
  for (const [field, sources] of plan.fields) {
    for (const key of sources) if (take(field, key)) break;
  }
  if (plan.keepUnmapped) {
    for (const key of Object.keys(record)) if (!plan.mappedSources.has(key)) take(key, key);
  }
  for (const [field, value] of plan.constants) lead[field] = value;
  return ok ? (lead as Lead) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------------------------

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * When the lead was captured, in epoch milliseconds: `created_at` as epoch milliseconds (a number
 * or digits) or ISO-8601 text. ISO text without an offset is read as UTC, since a lead file does
 * not say which zone its exporter meant. Undefined when absent or unreadable.
 *
 * The common shape (`2026-11-02T09:15:00Z`, `2026-11-02 09:15:00+05:30`) is read by hand: the
 * simulator calls this for every lead, and luxon's general parser costs microseconds each.
 */
export function leadTimestamp(lead: Lead): number | undefined {
  return parseLeadTime(lead.created_at);
}

/** A lead time field (`created_at`, `closed_at`) read as {@link leadTimestamp} reads `created_at`. */
export function parseLeadTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const m = ISO_DATE_TIME.exec(text);
  if (m) return fromParts(m);
  const dt = DateTime.fromISO(text, { zone: 'utc' });
  return dt.isValid ? dt.toMillis() : undefined;
}

function fromParts(m: RegExpExecArray): number | undefined {
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', offset] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 31 November over into December; a real date round-trips.
  if (new Date(t).getUTCDate() !== day) return undefined;
  if (offset && offset.toUpperCase() !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || '0');
    if (oh > 18 || om > 59) return undefined;
    t -= sign * (oh * 60 + om) * 60_000;
  }
  return t;
}
