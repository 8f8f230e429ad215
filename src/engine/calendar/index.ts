/**
 * The calendar: time zones, civil dates and day/week keys, clock times and weekdays, compiled
 * working hours, out-of-office windows and business-time arithmetic. Pure; every memo is a cache.
 */
export { absenceEnd, nextAbsenceStart } from './absences.ts';
export { addBusinessTime, businessTimeBetween, type BusinessCalendar } from './business-time.ts';
export {
  civilFromDays,
  dayKeyOf,
  daysFromCivil,
  localDayKey,
  localWeekKey,
  parseCivilDate,
  weekdayOf,
  weekKeyOf,
} from './civil-dates.ts';
export { DAY_MINUTES, parseClockTime, WEEKDAYS } from './clock-time.ts';
export {
  BUCKET_MS,
  DAY_MS,
  fromLocalMs,
  isValidTimeZone,
  localDayNumber,
  MINUTE_MS,
  nextOffsetChange,
  offsetMinutes,
  toLocalMs,
} from './time-zones.ts';
export {
  compileHours,
  coverEnd,
  nextShiftStart,
  nextWorkingStart,
  SEARCH_DAYS,
  worksAt,
  worksAtInstant,
  type CompiledHours,
  type Interval,
} from './working-hours.ts';
