/**
 * Owner availability and capacity, in the owner's own time zone: active, pause, out of office,
 * holidays, working hours, and the open/day/week caps.
 *
 * This runs for every candidate of every lead, so it does no luxon DateTime work per call: a
 * zone's UTC offset is memoised per 15-minute bucket (every DST transition of the tz database
 * since 1970 falls on a quarter hour), local weekday, minute and date are plain arithmetic on the
 * shifted epoch, and an owner's working hours are compiled once into minute intervals per weekday.
 * The memo maps are pure caches (same answer with or without them) and bounded in size.
 *
 * Semantics worth knowing:
 * - Working-hour intervals are local wall-clock times. `["22:00", "06:00"]` on `mon` runs from
 *   Monday 22:00 to Tuesday 06:00; `"24:00"` is allowed as an end only.
 * - A shift belongs to the local day it starts on. A holiday cancels the shifts that start on it,
 *   and an overnight shift that started the evening before a holiday still runs to its end: the
 *   person is already at work, and cutting them off at midnight would strand the shift's leads.
 * - Local times that do not exist (the spring-forward gap) start at the transition instant;
 *   local times that exist twice (the fall-back fold) mean their first occurrence.
 * - A pause needs `paused: true`; `pausedUntil` only says when it ends. A lone `pausedUntil` with
 *   `paused: false` is an already-resumed pause, so a manager's "resume" wins.
 */
import { IANAZone } from 'luxon';
import type {
  Caps,
  EpochMs,
  OutOfOffice,
  Owner,
  OwnerState,
  Weekday,
  WorkingHours,
} from './types.ts';

/** Why an owner can or cannot take a lead right now (a subset of `CandidateStatus`). */
export type AvailabilityStatus =
  'eligible' | 'inactive' | 'paused' | 'out_of_office' | 'outside_working_hours' | 'holiday';

/** The result of `checkAvailability`. */
export interface AvailabilityCheck {
  status: AvailabilityStatus;
  /** When this reason ends, if known: end of the pause or absence, or the next working time. */
  until?: EpochMs;
}

/** Which cap an owner has reached (a subset of `CandidateStatus`). */
export type CapStatus = 'at_cap_open' | 'at_cap_day' | 'at_cap_week';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
const DAY_MS = 86_400_000;
const BUCKET_MS = 15 * MINUTE_MS;
/** How far `nextAvailableAt` and the `until` of working hours look ahead. */
const SEARCH_DAYS = 14;
const MEMO_LIMIT = 100_000;

const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

// ---------------------------------------------------------------------------------------------
// Time zones: offsets, local dates and keys
// ---------------------------------------------------------------------------------------------

/** Offsets of one zone by 15-minute bucket, plus the last one asked for (most calls repeat it). */
interface ZoneOffsets {
  byBucket: Map<number, number>;
  lastBucket: number;
  lastOffset: number;
}
/** zone → its offsets. Two levels so that a lookup builds no string key. */
const offsetMemo = new Map<string, ZoneOffsets>();
let offsetMemoSize = 0;
const zoneValidity = new Map<string, boolean>();

/** True when `tz` is an IANA time zone name the runtime knows (e.g. `Europe/Berlin`, `UTC`). */
export function isValidTimeZone(tz: string): boolean {
  let valid = zoneValidity.get(tz);
  if (valid === undefined) {
    valid = typeof tz === 'string' && tz.length > 0 && IANAZone.isValidZone(tz);
    if (zoneValidity.size >= MEMO_LIMIT) zoneValidity.clear();
    zoneValidity.set(tz, valid);
  }
  return valid;
}

/** UTC offset of `tz` at instant `at`, in minutes (e.g. 60 for Berlin in winter). */
function offsetMinutes(tz: string, at: EpochMs): number {
  const bucket = Math.floor(at / BUCKET_MS);
  let zone = offsetMemo.get(tz);
  if (zone !== undefined) {
    if (zone.lastBucket === bucket) return zone.lastOffset;
    const hit = zone.byBucket.get(bucket);
    if (hit !== undefined) {
      zone.lastBucket = bucket;
      zone.lastOffset = hit;
      return hit;
    }
  }
  const iana = IANAZone.create(tz);
  // Loaders validate time zones; reaching here with a bad one is a broken invariant, not input.
  if (!iana.isValid) throw new Error(`unknown time zone ${JSON.stringify(tz)}`);
  const offset = iana.offset(bucket * BUCKET_MS);
  if (!Number.isFinite(offset)) throw new Error(`cannot compute the UTC offset of ${tz} at ${at}`);
  if (offsetMemoSize >= MEMO_LIMIT) {
    offsetMemo.clear();
    offsetMemoSize = 0;
    zone = undefined;
  }
  if (zone === undefined) {
    zone = { byBucket: new Map(), lastBucket: bucket, lastOffset: offset };
    offsetMemo.set(tz, zone);
  }
  zone.byBucket.set(bucket, offset);
  zone.lastBucket = bucket;
  zone.lastOffset = offset;
  offsetMemoSize++;
  return offset;
}

/** The instant as local wall-clock milliseconds ("epoch ms as if the zone were UTC"). */
function toLocalMs(tz: string, at: EpochMs): number {
  return at + offsetMinutes(tz, at) * MINUTE_MS;
}

/**
 * The instant at which the local wall clock of `tz` reads `localMs`. In a spring-forward gap the
 * wall time never occurs, so it is the transition instant (the first moment the clock reads later
 * than it); in a fall-back fold it is the first of the two occurrences.
 */
function fromLocalMs(tz: string, localMs: number): EpochMs {
  // No zone changes offset twice within two days, so the offsets a day either side are the only
  // two candidates.
  const before = offsetMinutes(tz, localMs - DAY_MS);
  const after = offsetMinutes(tz, localMs + DAY_MS);
  const uBefore = localMs - before * MINUTE_MS;
  if (before === after) return uBefore;
  const uAfter = localMs - after * MINUTE_MS;
  const beforeFits = offsetMinutes(tz, uBefore) === before;
  const afterFits = offsetMinutes(tz, uAfter) === after;
  if (beforeFits && afterFits) return Math.min(uBefore, uAfter);
  if (beforeFits) return uBefore;
  if (afterFits) return uAfter;
  // A gap: the transition lies between the two guesses, on a 15-minute boundary.
  const lo = Math.min(uBefore, uAfter);
  const hi = Math.max(uBefore, uAfter);
  for (let b = Math.ceil(lo / BUCKET_MS) * BUCKET_MS; b <= hi; b += BUCKET_MS) {
    if (offsetMinutes(tz, b) === after) return b;
  }
  return hi;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month, day] of a day number (H. Hinnant's civil_from_days). */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [month <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, month, day];
}

/** 0 = Monday … 6 = Sunday; 1970-01-01 was a Thursday. */
function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 3) % 7) + 7) % 7;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number) => String(n).padStart(4, '0');

const dayKeyMemo = new Map<number, string>();
const weekKeyMemo = new Map<number, string>();

function dayKeyOf(dayNumber: number): string {
  let key = dayKeyMemo.get(dayNumber);
  if (key === undefined) {
    const [y, m, d] = civilFromDays(dayNumber);
    key = `${pad4(y)}-${pad2(m)}-${pad2(d)}`;
    if (dayKeyMemo.size >= MEMO_LIMIT) dayKeyMemo.clear();
    dayKeyMemo.set(dayNumber, key);
  }
  return key;
}

/** ISO 8601 week: weeks start on Monday and belong to the year of their Thursday. */
function weekKeyOf(dayNumber: number): string {
  const thursday = dayNumber - weekdayOf(dayNumber) + 3;
  let key = weekKeyMemo.get(thursday);
  if (key === undefined) {
    const [year] = civilFromDays(thursday);
    const week = Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1;
    key = `${pad4(year)}-W${pad2(week)}`;
    if (weekKeyMemo.size >= MEMO_LIMIT) weekKeyMemo.clear();
    weekKeyMemo.set(thursday, key);
  }
  return key;
}

function localDayNumber(tz: string, now: EpochMs): number {
  return Math.floor(toLocalMs(tz, now) / DAY_MS);
}

/** The local date of `now` in `timeZone`, `YYYY-MM-DD`. Throws on an unknown zone. */
export function localDayKey(timeZone: string, now: EpochMs): string {
  return dayKeyOf(localDayNumber(timeZone, now));
}

/** The ISO week of `now` in `timeZone`, `YYYY-Www` (e.g. `2026-W48`). Throws on an unknown zone. */
export function localWeekKey(timeZone: string, now: EpochMs): string {
  return weekKeyOf(localDayNumber(timeZone, now));
}

/** Day number of a `YYYY-MM-DD` string, or undefined when it is not a real date. */
function parseDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const days = daysFromCivil(y, mo, d);
  const [y2, mo2, d2] = civilFromDays(days);
  // 2026-02-30 would roll over into March: reject rather than guess.
  return y2 === y && mo2 === mo && d2 === d ? days : undefined;
}

// ---------------------------------------------------------------------------------------------
// Working hours
// ---------------------------------------------------------------------------------------------

/** Minutes since local midnight of `"HH:MM"`; `24:00` only where `allow24`. */
function parseClock(text: unknown, allow24: boolean): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59) return undefined;
  if (h === 24 && min === 0) return allow24 ? DAY_MINUTES : undefined;
  return h <= 23 ? h * 60 + min : undefined;
}

/** An interval in minutes from its start day's local midnight; `end` > 1440 for overnight shifts. */
interface Interval {
  start: number;
  end: number;
}

/** Working hours compiled for fast checks. */
interface CompiledHours {
  /** By weekday (0 = Monday): the shifts that start on that day, sorted by start. */
  shifts: ReadonlyArray<readonly Interval[]>;
  /** By weekday: minutes after midnight until which the previous day's overnight shifts run. */
  spill: readonly number[];
  /** Local day numbers of holidays. */
  holidays: ReadonlySet<number>;
  /** Last answer of `nextWorkingStart`, reusable for any query between `from` and `next`. */
  lastSearch?: { timeZone: string; from: EpochMs; next: EpochMs };
}

/** Keyed by the WorkingHours object, so owners copied with `{ ...owner, paused }` share it. */
const compiledHours = new WeakMap<WorkingHours, CompiledHours>();

function compileHours(wh: WorkingHours): CompiledHours {
  const cached = compiledHours.get(wh);
  if (cached) return cached;
  const shifts: Interval[][] = WEEKDAYS.map(() => []);
  const spill = WEEKDAYS.map(() => 0);
  WEEKDAYS.forEach((day, d) => {
    for (const pair of wh.days[day] ?? []) {
      const start = parseClock(pair[0], false);
      const rawEnd = parseClock(pair[1], true);
      // Loaders run validateWorkingHours; a malformed schedule here is a broken invariant.
      if (start === undefined || rawEnd === undefined || rawEnd === start) {
        throw new Error(`invalid working hours on ${day}: ${JSON.stringify(pair)}`);
      }
      const end = rawEnd < start ? rawEnd + DAY_MINUTES : rawEnd;
      shifts[d]!.push({ start, end });
      const next = (d + 1) % 7;
      if (end > DAY_MINUTES) spill[next] = Math.max(spill[next]!, end - DAY_MINUTES);
    }
    shifts[d]!.sort((a, b) => a.start - b.start);
  });
  const holidays = new Set<number>();
  for (const h of wh.holidays ?? []) {
    const day = parseDate(h);
    if (day === undefined) throw new Error(`invalid holiday date ${JSON.stringify(h)}`);
    holidays.add(day);
  }
  const compiled: CompiledHours = { shifts, spill, holidays };
  compiledHours.set(wh, compiled);
  return compiled;
}

/** Whether a shift covers local `minute` of local day `day`; `useHolidays` false ignores them. */
function worksAt(c: CompiledHours, day: number, minute: number, useHolidays: boolean): boolean {
  return coverEnd(c, day, minute, useHolidays) >= 0;
}

/**
 * The end, in minutes from local midnight of `day`, of a shift covering local `minute` of that
 * day (an overnight shift from the day before ends at its spill), or −1 when none covers it.
 */
function coverEnd(c: CompiledHours, day: number, minute: number, useHolidays: boolean): number {
  const wd = weekdayOf(day);
  if (minute < c.spill[wd]! && !(useHolidays && c.holidays.has(day - 1))) return c.spill[wd]!;
  if (useHolidays && c.holidays.has(day)) return -1;
  for (const s of c.shifts[wd]!) {
    if (s.start > minute) break;
    if (minute < s.end) return s.end;
  }
  return -1;
}

function worksAtInstant(c: CompiledHours, tz: string, at: EpochMs): boolean {
  const local = toLocalMs(tz, at);
  const day = Math.floor(local / DAY_MS);
  return worksAt(c, day, Math.floor((local - day * DAY_MS) / MINUTE_MS), true);
}

/**
 * Earliest instant ≥ `from` and ≤ `limit` inside working hours (holidays applied), or undefined.
 * Working time can only begin at a shift's start, so only shift starts are candidates.
 */
function nextWorkingStart(
  c: CompiledHours,
  tz: string,
  from: EpochMs,
  limit: EpochMs,
): EpochMs | undefined {
  return worksAtInstant(c, tz, from) ? from : nextShiftStart(c, tz, from, limit);
}

/** Like `nextWorkingStart`, for a caller who knows `from` is outside working hours. */
function nextShiftStart(
  c: CompiledHours,
  tz: string,
  from: EpochMs,
  limit: EpochMs,
): EpochMs | undefined {
  const last = c.lastSearch;
  // No working time lies in [last.from, last.next), so any query inside it has the same answer.
  if (last && last.timeZone === tz && last.from <= from && from < last.next)
    return last.next <= limit ? last.next : undefined;
  const today = localDayNumber(tz, from);
  for (let day = today; day <= today + SEARCH_DAYS + 1; day++) {
    if (c.holidays.has(day)) continue;
    for (const s of c.shifts[weekdayOf(day)]!) {
      const at = fromLocalMs(tz, day * DAY_MS + s.start * MINUTE_MS);
      if (at <= from) continue;
      if (at > limit) return undefined;
      // A shift lying wholly in a DST gap never happens; the check skips it.
      if (!worksAtInstant(c, tz, at)) continue;
      c.lastSearch = { timeZone: tz, from, next: at };
      return at;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Availability
// ---------------------------------------------------------------------------------------------

function isPaused(owner: Owner, now: EpochMs): boolean {
  return owner.paused === true && (owner.pausedUntil === undefined || now < owner.pausedUntil);
}

/**
 * End of the absence covering `now`, or undefined when none does. Windows that overlap or touch
 * are one absence: a week off followed by a conference is away until the conference ends.
 */
function absenceEnd(
  windows: readonly OutOfOffice[] | undefined,
  now: EpochMs,
): EpochMs | undefined {
  if (windows === undefined || windows.length === 0) return undefined;
  let end: EpochMs | undefined;
  for (const w of windows) {
    if (w.from <= now && now < w.until && (end === undefined || w.until > end)) end = w.until;
  }
  if (end === undefined) return undefined;
  // Lists are short (a handful of windows), so a fixed-point loop beats sorting.
  for (let grew = true; grew;) {
    grew = false;
    for (const w of windows) {
      if (w.from <= end && w.until > end) {
        end = w.until;
        grew = true;
      }
    }
  }
  return end;
}

/**
 * Is the owner available at `now`? Checks, in order: inactive, paused (until `pausedUntil`),
 * out of office (until the end of the covering windows, adjacent or overlapping ones merged),
 * holiday, outside working hours (both until the next working time within 14 days, if any).
 * `workingHours: false` ignores working hours and holidays (rule mode `any_active`). An owner
 * without `workingHours` is always working. Throws on an unknown time zone (loaders validate).
 */
export function checkAvailability(
  owner: Owner,
  now: EpochMs,
  workingHours: boolean,
): AvailabilityCheck {
  return ownerClock(owner).availability(now, workingHours);
}

/** An availability answer and the interval [from, until) over which it holds. */
export interface TimedCheck {
  from: EpochMs;
  until: EpochMs;
  check: AvailabilityCheck;
}

/**
 * `checkAvailability`, with the interval from `now` over which the answer stays the same: until
 * the pause or absence ends, the shift ends or the next one starts, the next absence starts, the
 * local day turns (holidays), and never across a change of the zone's UTC offset.
 */
function timedAvailability(
  owner: Owner,
  c: CompiledHours | undefined,
  now: EpochMs,
  workingHours: boolean,
): TimedCheck {
  if (!owner.active) return { from: now, until: Infinity, check: INACTIVE };
  if (isPaused(owner, now)) {
    const until = owner.pausedUntil;
    return until === undefined
      ? { from: now, until: Infinity, check: PAUSED }
      : { from: now, until, check: { status: 'paused', until } };
  }
  const away = absenceEnd(owner.outOfOffice, now);
  if (away !== undefined)
    return { from: now, until: away, check: { status: 'out_of_office', until: away } };
  const absence = nextAbsenceStart(owner.outOfOffice, now);
  if (!workingHours || c === undefined) return { from: now, until: absence, check: ELIGIBLE };
  const tz = owner.timeZone;
  const local = toLocalMs(tz, now);
  const day = Math.floor(local / DAY_MS);
  const minute = Math.floor((local - day * DAY_MS) / MINUTE_MS);
  const end = coverEnd(c, day, minute, true);
  let check: AvailabilityCheck;
  let until: EpochMs;
  if (end >= 0) {
    check = ELIGIBLE;
    until = fromLocalMs(tz, day * DAY_MS + end * MINUTE_MS);
  } else {
    // Also "holiday" when today is an ordinary day but the shift that would cover now started on
    // a holiday: the holiday is the reason, not the schedule.
    const spill = coverEnd(c, day, minute, false);
    const status = c.holidays.has(day) || spill >= 0 ? 'holiday' : 'outside_working_hours';
    const next = nextShiftStart(c, tz, now, now + SEARCH_DAYS * DAY_MS);
    check = next === undefined ? { status } : { status, until: next };
    // The status may change when the day turns (a holiday begins or ends) or, on an ordinary day,
    // when the holiday's overnight shift would have ended.
    until = Math.min(next ?? Infinity, fromLocalMs(tz, (day + 1) * DAY_MS));
    if (status === 'holiday' && !c.holidays.has(day))
      until = Math.min(until, fromLocalMs(tz, day * DAY_MS + spill * MINUTE_MS));
  }
  until = Math.min(until, absence);
  // Local times above assume today's offset: across a DST change, answer for this bucket only.
  if (until !== Infinity && offsetMinutes(tz, until - 1) !== offsetMinutes(tz, now))
    until = Math.min(until, (Math.floor(now / BUCKET_MS) + 1) * BUCKET_MS);
  return { from: now, until, check };
}

/** Start of the first out-of-office window after `now`, or Infinity. */
function nextAbsenceStart(windows: readonly OutOfOffice[] | undefined, now: EpochMs): EpochMs {
  let next = Infinity;
  if (windows !== undefined)
    for (const w of windows) if (w.from > now && w.from < next) next = w.from;
  return next;
}

/**
 * An owner's availability and local calendar, memoised: each answer holds over an interval of
 * time (see `timedAvailability`), so a later question inside it costs a comparison instead of
 * time-zone arithmetic. Routing asks about every member of every pool a lead reaches, a few
 * seconds apart. A pure cache: the answers are those of the plain computation, whatever the
 * order of the questions (one outside the interval recomputes it).
 */
export class OwnerClock {
  private readonly hours: CompiledHours | undefined;
  /** The owner's own caps as limits, for questions without a pool (made on first use). */
  private ownLimits: CapLimits | undefined = undefined;
  private withHours: TimedCheck | undefined = undefined;
  private anyTime: TimedCheck | undefined = undefined;
  /** The local day of the last question and the instants between which it is today. */
  private dayFrom = Infinity;
  private dayUntil = -Infinity;
  private dayNumber = 0;
  private dayKeyText = '';
  private weekKeyText = '';

  constructor(readonly owner: Owner) {
    this.hours = owner.workingHours === undefined ? undefined : compileHours(owner.workingHours);
  }

  /** `checkAvailability(owner, now, workingHours)`. */
  availability(now: EpochMs, workingHours: boolean): AvailabilityCheck {
    return this.timedAvailability(now, workingHours).check;
  }

  /** `checkAvailability(owner, now, workingHours)` and the interval around `now` it holds for. */
  timedAvailability(now: EpochMs, workingHours: boolean): TimedCheck {
    const memo = workingHours ? this.withHours : this.anyTime;
    if (memo !== undefined && memo.from <= now && now < memo.until) return memo;
    const fresh = timedAvailability(this.owner, this.hours, now, workingHours);
    if (workingHours) this.withHours = fresh;
    else this.anyTime = fresh;
    return fresh;
  }

  /** The local date of `now` in the owner's zone, `YYYY-MM-DD`. */
  dayKey(now: EpochMs): string {
    if (!(this.dayFrom <= now && now < this.dayUntil)) this.turnDay(now);
    return this.dayKeyText;
  }

  /** The ISO week of `now` in the owner's zone, `YYYY-Www`. */
  weekKey(now: EpochMs): string {
    if (!(this.dayFrom <= now && now < this.dayUntil)) this.turnDay(now);
    return this.weekKeyText;
  }

  /** The instants between which the local day of the last `dayKey`/`weekKey` question lasts. */
  dayInterval(now: EpochMs): { from: EpochMs; until: EpochMs } {
    if (!(this.dayFrom <= now && now < this.dayUntil)) this.turnDay(now);
    return { from: this.dayFrom, until: this.dayUntil };
  }

  /** `checkCaps(owner, poolCaps, state, now)`. */
  caps(
    poolCaps: Caps | undefined,
    state: OwnerState | undefined,
    now: EpochMs,
  ): CapStatus | undefined {
    const caps = this.owner.caps;
    if (caps === undefined && poolCaps === undefined) return undefined;
    const limits =
      poolCaps === undefined
        ? (this.ownLimits ??= combinedCaps(caps, undefined))
        : combinedCaps(caps, poolCaps);
    return capReached(limits, state, this.dayKey(now), this.weekKey(now));
  }

  /** `recordAssignment(owner, state, now)`. */
  record(state: OwnerState | undefined, now: EpochMs): OwnerState {
    const dayKey = this.dayKey(now);
    const weekKey = this.weekKey(now);
    return {
      open: (state?.open ?? 0) + 1,
      dayKey,
      dayCount: state !== undefined && state.dayKey === dayKey ? state.dayCount + 1 : 1,
      weekKey,
      weekCount: state !== undefined && state.weekKey === weekKey ? state.weekCount + 1 : 1,
      lastAssignedAt: now,
    };
  }

  private turnDay(now: EpochMs): void {
    const tz = this.owner.timeZone;
    const day = localDayNumber(tz, now);
    if (day !== this.dayNumber || this.dayKeyText === '') {
      this.dayNumber = day;
      this.dayKeyText = dayKeyOf(day);
      this.weekKeyText = weekKeyOf(day);
    }
    this.dayFrom = Math.min(now, fromLocalMs(tz, day * DAY_MS));
    this.dayUntil = fromLocalMs(tz, (day + 1) * DAY_MS);
  }
}

/** Keyed by the Owner object: owners are immutable once in a directory. */
const clocks = new WeakMap<Owner, OwnerClock>();

/** The owner's memoised clock (one per Owner object). */
export function ownerClock(owner: Owner): OwnerClock {
  let clock = clocks.get(owner);
  if (clock === undefined) clocks.set(owner, (clock = new OwnerClock(owner)));
  return clock;
}

const ELIGIBLE: AvailabilityCheck = Object.freeze({ status: 'eligible' });
const INACTIVE: AvailabilityCheck = Object.freeze({ status: 'inactive' });
const PAUSED: AvailabilityCheck = Object.freeze({ status: 'paused' });

/**
 * Earliest instant ≥ `now` at which `checkAvailability` says eligible (same `workingHours`
 * meaning), looking at most 14 days ahead. Undefined if the owner is inactive, paused with no
 * end, or nothing is found in the horizon.
 */
export function nextAvailableAt(
  owner: Owner,
  now: EpochMs,
  workingHours: boolean,
): EpochMs | undefined {
  if (!owner.active) return undefined;
  if (isPaused(owner, now) && owner.pausedUntil === undefined) return undefined;
  const limit = now + SEARCH_DAYS * DAY_MS;
  const c =
    workingHours && owner.workingHours !== undefined ? compileHours(owner.workingHours) : undefined;
  let t = now;
  // Each obstacle pushes t forward; alternate until none applies. Bounded for safety only.
  for (let step = 0; step < 10_000 && t <= limit; step++) {
    if (isPaused(owner, t)) {
      t = owner.pausedUntil!;
      continue;
    }
    const away = absenceEnd(owner.outOfOffice, t);
    if (away !== undefined) {
      t = away;
      continue;
    }
    if (c === undefined) return t;
    const next = nextWorkingStart(c, owner.timeZone, t, limit);
    if (next === undefined) return undefined;
    if (next === t) return t;
    t = next;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Caps and counters
// ---------------------------------------------------------------------------------------------

/** Caps as limits, Infinity where there is none. */
export interface CapLimits {
  open: number;
  day: number;
  week: number;
}

/** The smaller of the owner's and the pool's limit, each. */
export function combinedCaps(owner: Caps | undefined, pool: Caps | undefined): CapLimits {
  return {
    open: Math.min(owner?.maxOpen ?? Infinity, pool?.maxOpen ?? Infinity),
    day: Math.min(owner?.maxPerDay ?? Infinity, pool?.maxPerDay ?? Infinity),
    week: Math.min(owner?.maxPerWeek ?? Infinity, pool?.maxPerWeek ?? Infinity),
  };
}

/**
 * Which limit, if any, stops an owner with `state` from taking one more lead, `dayKey` and
 * `weekKey` being the owner's local day and week now: counters recorded for another day or week
 * count as 0.
 */
export function capReached(
  limits: CapLimits,
  state: OwnerState | undefined,
  dayKey: string,
  weekKey: string,
): CapStatus | undefined {
  if ((state?.open ?? 0) >= limits.open) return 'at_cap_open';
  const day = state !== undefined && state.dayKey === dayKey ? state.dayCount : 0;
  if (day >= limits.day) return 'at_cap_day';
  const week = state !== undefined && state.weekKey === weekKey ? state.weekCount : 0;
  if (week >= limits.week) return 'at_cap_week';
  return undefined;
}

/**
 * Which cap, if any, stops the owner from taking one more lead: the smaller of the owner's and
 * the pool's limit each. Day and week counts are in the owner's time zone; counters recorded for
 * another local day or week count as 0.
 */
export function checkCaps(
  owner: Owner,
  poolCaps: Caps | undefined,
  state: OwnerState | undefined,
  now: EpochMs,
): CapStatus | undefined {
  return ownerClock(owner).caps(poolCaps, state, now);
}

/** The owner's new counters after assigning one lead at `now` (a new object; `state` untouched). */
export function recordAssignment(
  owner: Owner,
  state: OwnerState | undefined,
  now: EpochMs,
): OwnerState {
  return ownerClock(owner).record(state, now);
}
