/**
 * Reading the owner directory from YAML, JSON or CSV text into engine `Owner`s.
 *
 * Both shapes go through one zod schema: a CSV row is first turned into the same snake_case
 * record a YAML file holds (`languages` → `skills.languages`, `max_open` → `caps.max_open`), so
 * every rule about a value is written once, and issue paths are translated back to the cell
 * (`row 4, column time_zone`) or key (`owners[3].time_zone`) the admin has to fix.
 *
 * Times without an offset are wall-clock times in the owner's own time zone: an admin writing
 * `out_of_office: [{from: 2026-12-24, until: 2027-01-02}]` for a rep in Berlin means Berlin's
 * midnight, not UTC's.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { parseClockTime, WEEKDAYS } from '../engine/index.ts';
import type { PolicyIssue } from '../engine/issues.ts';
import type { Caps, OutOfOffice, Owner, Skills, Weekday, WorkingHours } from '../engine/types.ts';
import {
  BOOLEAN_WORDS,
  checkColumns,
  csvPath,
  errorIssue,
  fromZodIssues,
  INSTANT_FORMATS,
  isNumericText,
  isTimeZone,
  pathOf,
  readBoolean,
  readCsv,
  readInstant,
  readRecordList,
  splitList,
  throwIfErrors,
  unknownTimeZoneMessage,
  type PathSegment,
  type TextFormat,
} from './common.ts';

/** Formats {@link parseOwners} reads. */
export type OwnersFormat = TextFormat;

/** Keys of an owner's flat fields, the same in YAML/JSON and CSV. */
const FLAT_KEYS = [
  'id',
  'name',
  'email',
  'time_zone',
  'active',
  'paused',
  'paused_until',
  'team',
  'manager',
] as const;

/** Keys of `caps`, which CSV has as columns of their own. */
export const CAP_KEYS = ['max_open', 'max_per_day', 'max_per_week'] as const;
/** Keys of `skills`, which CSV has as columns of their own. */
export const SKILL_KEYS = ['languages', 'products', 'segments'] as const;
/** Keys of one out-of-office window. */
export const OUT_OF_OFFICE_KEYS = ['from', 'until', 'reason'] as const;

/** Keys of one owner in YAML/JSON. */
export const OWNER_KEYS = [
  ...FLAT_KEYS,
  'working_hours',
  'out_of_office',
  'caps',
  'skills',
] as const;

/** Columns of the CSV format. Lists are `;`-separated; see {@link parseOwners} for the compact forms. */
export const OWNER_COLUMNS = [
  ...FLAT_KEYS,
  ...SKILL_KEYS,
  ...CAP_KEYS,
  'working_hours',
  'out_of_office',
] as const;

/** Keys of `working_hours`: the days of the week, and `holidays`. */
export const WORKING_HOURS_KEYS = [...WEEKDAYS, 'holidays'] as const;

/**
 * Parses an owner directory.
 *
 * YAML/JSON: a list of owners, or `{owners: [...]}`, each with the snake_case keys of
 * {@link OWNER_KEYS}: `id` and `time_zone` (IANA) are required; `name` defaults to the id,
 * `active` to true. `working_hours` maps `mon`..`sun` to intervals (`"09:00-17:00"` or
 * `["09:00", "17:00"]`; an end before the start runs past midnight) plus `holidays` (local
 * `YYYY-MM-DD` dates), or is the compact text below. `out_of_office` is a list of
 * `{from, until, reason}` (half-open, `from` < `until`). `caps` has `max_open`, `max_per_day`,
 * `max_per_week`; `skills` has `languages`, `products`, `segments`, lower-cased.
 *
 * CSV: the columns of {@link OWNER_COLUMNS}; `id` and `time_zone` are required. Lists are
 * `;`-separated (`en;de`); `active` reads true/false/yes/no/1/0 and defaults to true;
 * `working_hours` is compact text, `mon-fri 09:00-17:30; sat 10:00-14:00; holidays 2026-12-25`
 * (day ranges may wrap: `sun-thu`); `out_of_office` is `from/until[ reason]` windows separated by
 * `;`, e.g. `2026-12-20T00:00/2027-01-02T00:00 holidays`.
 *
 * ISO times without an offset are in the owner's time zone; a bare date is its local midnight.
 *
 * @throws ValidationError listing every problem, with paths such as `owners[3].time_zone` or
 *   `row 4, column time_zone`: unknown keys or columns (naming the allowed ones), bad values,
 *   duplicate ids.
 */
export function parseOwners(text: string, format: OwnersFormat): Owner[] {
  if (format !== 'csv') return readOwners(readRecordList(text, format, 'owners'));
  const table = readCsv(text, 'owners');
  throwIfErrors(checkColumns(table.header, OWNER_COLUMNS, ['id', 'time_zone']), 'owners');
  const records = table.rows.map((row) => {
    const record: Record<string, unknown> = {};
    table.header.forEach((column, c) => {
      const value = row[c];
      if (value !== undefined && value !== '') setCsvValue(record, column, value);
    });
    return record;
  });
  return readRecords(records, locateCsv);
}

/**
 * Reads owners already parsed into plain values (a YAML/JSON document's list, an API request's
 * body), with the rules and messages of {@link parseOwners}. Problems are located under
 * `root(index)`: `owners[3].time_zone` by default; a root of `''` for a single owner gives
 * `time_zone`.
 *
 * @throws ValidationError listing every problem.
 */
export function readOwners(
  values: readonly unknown[],
  options: { root?: (index: number) => string } = {},
): Owner[] {
  const root = options.root ?? ((index: number) => `owners[${index}]`);
  return readRecords(values, (index, path) => errorIssue(pathOf(root(index), path), ''));
}

/** Where a problem is: record `index`, `path` inside it (a message may carry more context). */
type Locate = (index: number, path: readonly PathSegment[]) => PolicyIssue;

function readRecords(records: readonly unknown[], locate: Locate): Owner[] {
  const issues: PolicyIssue[] = [];
  const owners: Owner[] = [];
  const firstSeen = new Map<string, string>();
  records.forEach((record, index) => {
    const at = (path: readonly PathSegment[]) => locate(index, path);
    const owner = readOwner(record, at, issues);
    // Duplicates are found on the raw ids, so they are reported even for records with other errors.
    const raw = (record as { id?: unknown } | null)?.id;
    if (typeof raw !== 'string' && typeof raw !== 'number') return;
    const id = String(raw);
    const here = at(['id']).path;
    const earlier = firstSeen.get(id);
    if (earlier !== undefined) {
      issues.push(
        errorIssue(here, `duplicate owner id ${JSON.stringify(id)}; first defined at ${earlier}`),
      );
      return;
    }
    firstSeen.set(id, here);
    if (owner) owners.push(owner);
  });
  throwIfErrors(issues, 'owners');
  return owners;
}

// ---------------------------------------------------------------------------------------------
// CSV ↔ record paths
// ---------------------------------------------------------------------------------------------

function setCsvValue(record: Record<string, unknown>, column: string, value: string): void {
  if ((SKILL_KEYS as readonly string[]).includes(column)) nested(record, 'skills')[column] = value;
  else if ((CAP_KEYS as readonly string[]).includes(column)) nested(record, 'caps')[column] = value;
  else record[column] = value;
}

function nested(record: Record<string, unknown>, key: string): Record<string, unknown> {
  return (record[key] ??= {}) as Record<string, unknown>;
}

/** A record path back to its CSV cell; what lies deeper goes into the message's context. */
function locateCsv(index: number, path: readonly PathSegment[]): PolicyIssue {
  const [head, ...rest] = path;
  if ((head === 'skills' || head === 'caps') && typeof rest[0] === 'string') {
    return errorIssue(csvPath(index, rest[0]), '');
  }
  if (head === 'out_of_office' && typeof rest[0] === 'number') {
    const more = rest.slice(1).join('.');
    return errorIssue(csvPath(index, head), `window ${rest[0] + 1}${more ? ` (${more})` : ''}`);
  }
  return errorIssue(csvPath(index, String(head ?? '')), rest.join('.'));
}

// ---------------------------------------------------------------------------------------------
// The record schema
// ---------------------------------------------------------------------------------------------

/** A reader's verdict on a bad value. */
class Invalid {
  constructor(readonly message: string) {}
}

/** A zod schema for one value, read by a plain function: lets CSV text and YAML values share rules. */
function required<T>(read: (value: unknown) => T | Invalid) {
  return z.unknown().transform((value, ctx): T => {
    const result = read(value);
    if (result instanceof Invalid) {
      ctx.addIssue({ code: 'custom', message: result.message });
      return z.NEVER;
    }
    return result;
  });
}

/** Like {@link required}, for a key that may be left out (zod then skips the reader). */
function leaf<T>(read: (value: unknown) => T | Invalid) {
  return required(read).optional();
}

const isBlank = (value: unknown): boolean => value === undefined || value === null || value === '';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/;

// Owner ids are what policies name in pools and `{owner: id}` targets, so they follow the same rule.
const ownerId = required((value) => {
  if (isBlank(value)) return new Invalid('is required');
  const id = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
  if (typeof id !== 'string') return new Invalid('expected text');
  if (id.length > 100 || !ID_PATTERN.test(id)) {
    return new Invalid(
      `invalid id ${JSON.stringify(id)}: must start with a letter or digit and use only letters, digits, _ . : @ - (at most 100)`,
    );
  }
  return id;
});

const optionalText = leaf((value) => {
  if (isBlank(value)) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return new Invalid('expected text');
  return value.trim() || undefined;
});

const email = leaf((value) => {
  if (isBlank(value)) return undefined;
  if (typeof value !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim())) {
    return new Invalid(`${JSON.stringify(value)} is not an email address`);
  }
  return value.trim();
});

const timeZone = required((value) => {
  if (isBlank(value))
    return new Invalid('is required: the IANA time zone the owner works in, e.g. Europe/Berlin');
  if (typeof value !== 'string')
    return new Invalid('expected an IANA time zone name such as Europe/Berlin');
  return isTimeZone(value.trim())
    ? value.trim()
    : new Invalid(unknownTimeZoneMessage(value.trim()));
});

function flag(fallback: boolean | undefined) {
  return leaf((value) => {
    if (isBlank(value)) return fallback;
    const b = readBoolean(value);
    return b ?? new Invalid(`expected yes or no (${BOOLEAN_WORDS}); got ${JSON.stringify(value)}`);
  });
}

/** Checked for format here; turned into an instant once the owner's time zone is known. */
function readInstantText(value: unknown): string | number | Invalid {
  if (
    (typeof value !== 'string' && typeof value !== 'number') ||
    readInstant(value, 'UTC') === undefined
  ) {
    return new Invalid(`invalid time ${JSON.stringify(value)}; ${INSTANT_FORMATS}`);
  }
  return value;
}

const instantText = leaf((value) => (isBlank(value) ? undefined : readInstantText(value)));
const requiredInstant = required((value) =>
  isBlank(value) ? new Invalid('is required') : readInstantText(value),
);

const count = leaf((value) => {
  if (isBlank(value)) return undefined;
  const n = typeof value === 'string' && isNumericText(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    return new Invalid(
      `expected a whole number ≥ 0 (leave it out for no limit); got ${JSON.stringify(value)}`,
    );
  }
  return n;
});

const skillList = leaf((value) => {
  if (isBlank(value)) return undefined;
  const items = typeof value === 'string' ? splitList(value) : value;
  if (!Array.isArray(items) || !items.every((s) => typeof s === 'string' && s.trim() !== '')) {
    return new Invalid('expected a list of names, e.g. [en, de] (in CSV: en;de)');
  }
  // Skills are matched case-insensitively against lead values, so they are stored lower-case.
  return [...new Set(items.map((s: string) => s.trim().toLowerCase()))];
});

// Working hours -------------------------------------------------------------------------------

const clockText = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** `"09:00-17:00"` or `["09:00", "17:00"]` → `["09:00", "17:00"]`, or why not. */
function readInterval(value: unknown): readonly [string, string] | string {
  let start: unknown;
  let end: unknown;
  if (typeof value === 'string') {
    const parts = value.split('-');
    if (parts.length !== 2)
      return `invalid interval ${JSON.stringify(value)}; expected "HH:MM-HH:MM", e.g. "09:00-17:30"`;
    [start, end] = parts;
  } else if (Array.isArray(value) && value.length === 2) {
    [start, end] = value;
  } else {
    return `invalid interval ${JSON.stringify(value)}; expected "09:00-17:30" or ["09:00", "17:30"]`;
  }
  // Spaces around a time are allowed here ("09:00 - 17:00"); the engine's parser takes none.
  const s = typeof start === 'string' ? parseClockTime(start.trim(), false) : undefined;
  const e = typeof end === 'string' ? parseClockTime(end.trim(), true) : undefined;
  if (s === undefined)
    return `invalid start ${JSON.stringify(start)}; expected a time from 00:00 to 23:59`;
  if (e === undefined)
    return `invalid end ${JSON.stringify(end)}; expected a time from 00:00 to 24:00`;
  if (s === e) return `empty interval ${JSON.stringify(value)}; for a whole day write 00:00-24:00`;
  return [clockText(s), clockText(e)];
}

/** One day's intervals: a list, or text with `,`-separated intervals; empty = not working. */
function readDay(value: unknown): Array<readonly [string, string]> | Invalid {
  if (isBlank(value)) return [];
  const items = typeof value === 'string' ? value.split(',').filter((s) => s.trim() !== '') : value;
  if (!Array.isArray(items))
    return new Invalid('expected a list of intervals such as ["09:00-12:00", "13:00-17:30"]');
  // A single pair written flat (`mon: ["09:00", "17:00"]`) is one interval, not two.
  const list: unknown[] =
    items.length === 2 && items.every((s) => typeof s === 'string' && !s.includes('-'))
      ? [items]
      : items;
  const out: Array<readonly [string, string]> = [];
  for (const [i, item] of list.entries()) {
    const interval = readInterval(typeof item === 'string' ? item.trim() : item);
    if (typeof interval === 'string')
      return new Invalid(list.length > 1 ? `interval ${i + 1}: ${interval}` : interval);
    out.push(interval);
  }
  return out;
}

function readDate(text: string): string | undefined {
  const t = text.trim();
  return /^\d{4}-\d{2}-\d{2}$/.test(t) && DateTime.fromISO(t, { zone: 'UTC' }).isValid
    ? t
    : undefined;
}

function readHolidays(value: unknown): string[] | Invalid {
  if (isBlank(value)) return [];
  const items = typeof value === 'string' ? splitList(value) : value;
  if (!Array.isArray(items)) return new Invalid('expected a list of local dates "YYYY-MM-DD"');
  const out: string[] = [];
  for (const item of items) {
    const date = typeof item === 'string' ? readDate(item) : undefined;
    if (date === undefined)
      return new Invalid(`invalid date ${JSON.stringify(item)}; expected a real date "YYYY-MM-DD"`);
    out.push(date);
  }
  return out;
}

const DAY_NAMES: Record<string, Weekday> = {};
for (const [i, day] of WEEKDAYS.entries()) {
  const full = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'][i]!;
  DAY_NAMES[day] = day;
  DAY_NAMES[full] = day;
}
Object.assign(DAY_NAMES, { tues: 'tue', thur: 'thu', thurs: 'thu' });

const DAY_GROUPS: Record<string, readonly Weekday[]> = {
  daily: WEEKDAYS,
  weekdays: WEEKDAYS.slice(0, 5),
  weekends: WEEKDAYS.slice(5),
};

/** `mon-fri`, `sun-thu` (wraps), `mon,wed,fri`, `daily`, `weekdays`, `weekends` → the days. */
function readDays(text: string): Weekday[] | string {
  const days: Weekday[] = [];
  for (const part of text.split(',').map((s) => s.trim().toLowerCase())) {
    const group = DAY_GROUPS[part];
    if (group) {
      days.push(...group);
      continue;
    }
    const [a, b, extra] = part.split('-').map((s) => s.trim());
    const from = a === undefined ? undefined : DAY_NAMES[a];
    const to = b === undefined ? from : DAY_NAMES[b];
    if (from === undefined || to === undefined || extra !== undefined) {
      return `invalid days ${JSON.stringify(part)}; expected names like mon, mon-fri, sun-thu, mon,wed or daily`;
    }
    // Ranges wrap around the week so that a Sunday-to-Thursday office can be written `sun-thu`.
    for (let d = WEEKDAYS.indexOf(from); ; d = (d + 1) % 7) {
      days.push(WEEKDAYS[d]!);
      if (WEEKDAYS[d] === to) break;
    }
  }
  return days;
}

/** `mon-fri 09:00-12:00, 13:00-17:30; sat 10:00-14:00; holidays 2026-12-24, 2026-12-25` */
function readCompactHours(text: string): WorkingHours | Invalid {
  const days: Partial<Record<Weekday, Array<readonly [string, string]>>> = {};
  const holidays: string[] = [];
  for (const segment of text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const h = /^holidays?\s*:?\s+(.*)$/i.exec(segment);
    if (h) {
      const dates = readHolidays(h[1]);
      if (dates instanceof Invalid) return new Invalid(`in "${segment}": ${dates.message}`);
      holidays.push(...dates);
      continue;
    }
    // The day names end where the first time begins: `mon, wed 09:00-12:00`.
    const m = /^([A-Za-z][A-Za-z,\s-]*?)\s*(\d.*)$/.exec(segment);
    if (!m) {
      return new Invalid(
        `cannot read ${JSON.stringify(segment)}; expected days and times such as "mon-fri 09:00-17:30; sat 10:00-14:00"`,
      );
    }
    const ds = readDays(m[1]!);
    if (typeof ds === 'string') return new Invalid(`in "${segment}": ${ds}`);
    const intervals = readDay(m[2]!);
    if (intervals instanceof Invalid) return new Invalid(`in "${segment}": ${intervals.message}`);
    for (const d of ds) (days[d] ??= []).push(...intervals);
  }
  // Week order, whatever order the segments came in, so the result reads like the YAML form.
  const ordered: WorkingHours['days'] = {};
  for (const d of WEEKDAYS) if (days[d]) ordered[d] = days[d];
  return holidays.length > 0 ? { days: ordered, holidays } : { days: ordered };
}

const dayLeaf = leaf(readDay);
const workingHoursObject = z.strictObject({
  mon: dayLeaf,
  tue: dayLeaf,
  wed: dayLeaf,
  thu: dayLeaf,
  fri: dayLeaf,
  sat: dayLeaf,
  sun: dayLeaf,
  holidays: leaf(readHolidays),
});

/** Working hours as an object of days, or compact text; absent = always working. */
const workingHours = z
  .unknown()
  .transform((value, ctx): WorkingHours | undefined => {
    if (isBlank(value)) return undefined;
    if (typeof value === 'string') {
      const wh = readCompactHours(value);
      if (wh instanceof Invalid) {
        ctx.addIssue({ code: 'custom', message: wh.message });
        return z.NEVER;
      }
      return wh;
    }
    const parsed = workingHoursObject.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue(issue as z.core.$ZodSuperRefineIssue);
      return z.NEVER;
    }
    const { holidays, ...byDay } = parsed.data;
    const days: WorkingHours['days'] = {};
    for (const d of WEEKDAYS) {
      const intervals = byDay[d];
      if (intervals && intervals.length > 0) days[d] = intervals;
    }
    return holidays && holidays.length > 0 ? { days, holidays } : { days };
  })
  .optional();

// Out of office -------------------------------------------------------------------------------

const windowObject = z.strictObject({
  from: requiredInstant,
  until: requiredInstant,
  reason: optionalText,
});
type WindowDoc = {
  from: string | number;
  until: string | number;
  reason?: string;
};

/** `2026-12-20T00:00/2027-01-02T00:00 holidays; 2027-02-01/2027-02-03` */
function readCompactWindows(text: string): WindowDoc[] | Invalid {
  const out: WindowDoc[] = [];
  const parts = text.split(';').map((s) => s.trim());
  for (const [i, part] of parts.filter((s) => s !== '').entries()) {
    const m = /^(\S+?)\s*\/\s*(\S+)(?:\s+(.*))?$/.exec(part);
    const bad = (why: string) => new Invalid(`window ${i + 1} ${JSON.stringify(part)}: ${why}`);
    if (!m) return bad('expected FROM/UNTIL, e.g. 2026-12-20T00:00/2027-01-02T00:00');
    const [, from = '', until = '', reason] = m;
    if (readInstant(from, 'UTC') === undefined) return bad(`invalid from; ${INSTANT_FORMATS}`);
    if (readInstant(until, 'UTC') === undefined) return bad(`invalid until; ${INSTANT_FORMATS}`);
    out.push(reason ? { from, until, reason: reason.trim() } : { from, until });
  }
  return out;
}

const outOfOffice = z
  .unknown()
  .transform((value, ctx): WindowDoc[] | undefined => {
    if (isBlank(value)) return undefined;
    const parsed =
      typeof value === 'string'
        ? readCompactWindows(value)
        : z.array(windowObject).safeParse(value);
    if (parsed instanceof Invalid) {
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }
    if (Array.isArray(parsed)) return parsed;
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue(issue as z.core.$ZodSuperRefineIssue);
      return z.NEVER;
    }
    return parsed.data;
  })
  .optional();

const ownerRecord = z.strictObject({
  id: ownerId,
  name: optionalText,
  email,
  time_zone: timeZone,
  active: flag(true),
  paused: flag(undefined),
  paused_until: instantText,
  team: optionalText,
  manager: optionalText,
  working_hours: workingHours,
  out_of_office: outOfOffice,
  caps: z.strictObject({ max_open: count, max_per_day: count, max_per_week: count }).nullish(),
  skills: z
    .strictObject({ languages: skillList, products: skillList, segments: skillList })
    .nullish(),
});

const ALLOWED_KEYS: Record<string, readonly string[]> = {
  '': OWNER_KEYS,
  caps: CAP_KEYS,
  skills: SKILL_KEYS,
  working_hours: WORKING_HOURS_KEYS,
  out_of_office: OUT_OF_OFFICE_KEYS,
};

function allowedKeysAt(path: readonly PathSegment[]): readonly string[] {
  return ALLOWED_KEYS[path.filter((p) => typeof p === 'string').join('.')] ?? [];
}

/** Validates one record and builds the `Owner`, or pushes its issues and returns undefined. */
function readOwner(
  record: unknown,
  locate: (path: readonly PathSegment[]) => PolicyIssue,
  issues: PolicyIssue[],
): Owner | undefined {
  const parsed = ownerRecord.safeParse(record);
  if (!parsed.success) {
    issues.push(...fromZodIssues(parsed.error.issues, locate, allowedKeysAt));
    return undefined;
  }
  const doc = parsed.data;
  const zone = doc.time_zone;
  const problem = (path: readonly PathSegment[], message: string) => {
    const at = locate(path);
    issues.push({ ...at, message: at.message ? `${at.message}: ${message}` : message });
  };

  const owner: Owner = {
    id: doc.id,
    name: doc.name ?? doc.id,
    ...(doc.email !== undefined && { email: doc.email }),
    timeZone: zone,
    active: doc.active ?? true,
  };
  if (doc.paused !== undefined) owner.paused = doc.paused;
  if (doc.paused_until !== undefined) owner.pausedUntil = readInstant(doc.paused_until, zone);
  if (doc.team !== undefined) owner.team = doc.team;
  if (doc.manager !== undefined) owner.manager = doc.manager;
  if (doc.working_hours !== undefined) owner.workingHours = doc.working_hours;

  if (doc.out_of_office !== undefined) {
    const windows: OutOfOffice[] = [];
    doc.out_of_office.forEach((w, i) => {
      const from = readInstant(w.from, zone);
      const until = readInstant(w.until, zone);
      if (from === undefined || until === undefined) return;
      if (from >= until) {
        problem(
          ['out_of_office', i, 'until'],
          `${JSON.stringify(w.until)} must be after from (${JSON.stringify(w.from)})`,
        );
        return;
      }
      windows.push(w.reason !== undefined ? { from, until, reason: w.reason } : { from, until });
    });
    owner.outOfOffice = windows;
  }

  const caps: Caps = {};
  if (doc.caps?.max_open !== undefined) caps.maxOpen = doc.caps.max_open;
  if (doc.caps?.max_per_day !== undefined) caps.maxPerDay = doc.caps.max_per_day;
  if (doc.caps?.max_per_week !== undefined) caps.maxPerWeek = doc.caps.max_per_week;
  if (Object.keys(caps).length > 0) owner.caps = caps;

  const skills: Skills = {};
  if (doc.skills?.languages) skills.languages = doc.skills.languages;
  if (doc.skills?.products) skills.products = doc.skills.products;
  if (doc.skills?.segments) skills.segments = doc.skills.segments;
  if (Object.keys(skills).length > 0) owner.skills = skills;
  return owner;
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/** An out-of-office window in the owners-file shape. */
export interface OutOfOfficeValues {
  from: string;
  until: string;
  reason?: string;
}

/**
 * An owner in the owners-file shape, as {@link writeOwner} writes it: keys of
 * {@link OWNER_KEYS}, absent ones left out, instants as UTC ISO text.
 */
export interface OwnerValues {
  id: string;
  name: string;
  email?: string;
  time_zone: string;
  active: boolean;
  paused: boolean;
  paused_until?: string;
  team?: string;
  manager?: string;
  working_hours?: WorkingHoursValues;
  out_of_office?: OutOfOfficeValues[];
  caps?: Partial<Record<(typeof CAP_KEYS)[number], number>>;
  skills?: Partial<Record<(typeof SKILL_KEYS)[number], string[]>>;
}

/** Working hours in the owners-file shape: intervals `[start, end]` by day, and holidays. */
export type WorkingHoursValues = Partial<Record<Weekday, Array<[string, string]>>> & {
  holidays?: string[];
};

/**
 * An owner in the owners-file shape: what {@link readOwners} reads back as the same owner, so a
 * change can be merged key by key into the stored owner and read again.
 */
export function writeOwner(owner: Owner): OwnerValues {
  const values: OwnerValues = {
    id: owner.id,
    name: owner.name,
    time_zone: owner.timeZone,
    active: owner.active,
    paused: owner.paused ?? false,
  };
  if (owner.email) values.email = owner.email;
  if (owner.pausedUntil !== undefined) values.paused_until = isoTime(owner.pausedUntil);
  if (owner.team) values.team = owner.team;
  if (owner.manager) values.manager = owner.manager;
  if (owner.workingHours) values.working_hours = writeWorkingHours(owner.workingHours);
  if (owner.outOfOffice?.length) values.out_of_office = owner.outOfOffice.map(writeWindow);
  if (owner.caps) values.caps = writeCaps(owner.caps);
  if (owner.skills) values.skills = writeSkills(owner.skills);
  return values;
}

function writeSkills(skills: Skills): NonNullable<OwnerValues['skills']> {
  const values: NonNullable<OwnerValues['skills']> = {};
  for (const key of SKILL_KEYS) {
    const names = skills[key];
    if (names) values[key] = [...names];
  }
  return values;
}

const isoTime = (ms: number) => new Date(ms).toISOString();

function writeWorkingHours(wh: WorkingHours): WorkingHoursValues {
  const values: WorkingHoursValues = {};
  for (const [day, intervals] of Object.entries(wh.days) as Array<[Weekday, typeof wh.days.mon]>)
    values[day] = intervals?.map(([a, b]) => [a, b]);
  if (wh.holidays?.length) values.holidays = [...wh.holidays];
  return values;
}

function writeWindow(w: OutOfOffice): OutOfOfficeValues {
  const values: OutOfOfficeValues = { from: isoTime(w.from), until: isoTime(w.until) };
  if (w.reason) values.reason = w.reason;
  return values;
}

function writeCaps(caps: Caps): NonNullable<OwnerValues['caps']> {
  const values: NonNullable<OwnerValues['caps']> = {};
  if (caps.maxOpen !== undefined) values.max_open = caps.maxOpen;
  if (caps.maxPerDay !== undefined) values.max_per_day = caps.maxPerDay;
  if (caps.maxPerWeek !== undefined) values.max_per_week = caps.maxPerWeek;
  return values;
}
