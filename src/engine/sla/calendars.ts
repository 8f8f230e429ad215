/**
 * Named calendars of a policy (`calendars:`): a time zone, weekly hours in the owners-file syntax
 * (`mon-fri 09:00-17:30; sat 10:00-14:00`, or a map of days to `"09:00-17:00"` intervals) and
 * holidays. An SLA on `clock: {calendar: NAME}` counts working time in one of these rather than in
 * the owner's own hours.
 */
import { parseCivilDate } from '../calendar/civil-dates.ts';
import { parseClockTime, WEEKDAYS } from '../calendar/clock-time.ts';
import { isValidTimeZone } from '../calendar/time-zones.ts';
import type { BusinessCalendar } from '../calendar/business-time.ts';
import { joinPath, type PolicyIssue } from '../issues.ts';
import type { Weekday, WorkingHours } from '../types.ts';

/** A calendar as the policy document writes it. */
export interface CalendarDoc {
  time_zone: string;
  hours: string | Partial<Record<Weekday, readonly string[]>>;
  holidays?: readonly string[];
}

/** Compiles one calendar; problems are pushed as issues under `path`. */
export function compileCalendar(
  doc: CalendarDoc,
  path: string,
  issues: PolicyIssue[],
): BusinessCalendar | undefined {
  let ok = true;
  const fail = (p: string, message: string): void => {
    ok = false;
    issues.push({ severity: 'error', path: p, message });
  };
  if (!isValidTimeZone(doc.time_zone))
    fail(
      joinPath(path, 'time_zone'),
      `unknown time zone "${doc.time_zone}"; use an IANA name such as Europe/Berlin`,
    );
  const days: Partial<Record<Weekday, Array<readonly [string, string]>>> = {};
  const holidays: string[] = [];
  const hoursPath = joinPath(path, 'hours');
  const addIntervals = (ds: readonly Weekday[], text: string, p: string): void => {
    for (const part of text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const pair = readInterval(part);
      if (pair) for (const day of ds) (days[day] ??= []).push(pair);
      else fail(p, `cannot read "${part}"; expected an interval such as "09:00-17:30"`);
    }
  };
  if (typeof doc.hours === 'string') {
    for (const segment of doc.hours
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const h = /^holidays?\s*:?\s+(.*)$/i.exec(segment);
      if (h) {
        holidays.push(...h[1]!.split(/[,\s]+/).filter(Boolean));
        continue;
      }
      const m = /^([A-Za-z][A-Za-z,\s-]*?)\s*(\d.*)$/.exec(segment);
      const ds = m ? readDays(m[1]!) : undefined;
      if (!m || !ds) {
        fail(
          hoursPath,
          `cannot read "${segment}"; expected days and times such as "mon-fri 09:00-17:30; sat 10:00-14:00"`,
        );
        continue;
      }
      addIntervals(ds, m[2]!, hoursPath);
    }
  } else {
    for (const [day, list] of Object.entries(doc.hours)) {
      const p = joinPath(hoursPath, day);
      if (!(WEEKDAYS as readonly string[]).includes(day)) {
        fail(p, `unknown day "${day}"; expected one of ${WEEKDAYS.join(', ')}`);
        continue;
      }
      (list ?? []).forEach((text, i) => addIntervals([day as Weekday], text, joinPath(p, i)));
    }
  }
  holidays.push(...(doc.holidays ?? []));
  holidays.forEach((date) => {
    if (parseCivilDate(date) === undefined)
      fail(joinPath(path, 'holidays'), `"${date}" is not a date; expected YYYY-MM-DD`);
  });
  if (!ok) return undefined;
  const workingHours: WorkingHours = holidays.length ? { days, holidays } : { days };
  return { timeZone: doc.time_zone, workingHours };
}

function readInterval(text: string): readonly [string, string] | undefined {
  const m = /^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/.exec(text);
  if (!m) return undefined;
  const start = parseClockTime(m[1], false);
  const end = parseClockTime(m[2], true);
  if (start === undefined || end === undefined || start === end) return undefined;
  return [m[1]!, m[2]!];
}

/** `mon-fri`, `sat, sun`, `sun-thu` (ranges wrap); undefined when a name is unknown. */
function readDays(text: string): Weekday[] | undefined {
  const out: Weekday[] = [];
  for (const part of text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)) {
    const [from, to] = part.split('-').map((s) => s.trim()) as [string, string | undefined];
    const a = WEEKDAYS.indexOf(from as Weekday);
    const b = to === undefined ? a : WEEKDAYS.indexOf(to as Weekday);
    if (a < 0 || b < 0) return undefined;
    for (let d = a; ; d = (d + 1) % 7) {
      out.push(WEEKDAYS[d]!);
      if (d === b) break;
    }
  }
  return out.length ? out : undefined;
}
