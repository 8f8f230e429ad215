/**
 * States and provinces: a lead's state to the `COUNTRY-CODE` form territories compare, with full
 * tables for the US and Canada.
 */
import { ISO2_SET } from './countries.ts';
import { looseKey } from './loose-key.ts';
import { CA_PROVINCES, US_STATES } from './tables/states.ts';

interface StateTable {
  /** Loose key of a code, name or abbreviation → `US-CA`. */
  byKey: Map<string, string>;
  /** Code or official name exactly as usually written → `US-CA`. */
  byExact: Map<string, string>;
  /** Loose keys of official names only: safe to recognise when the lead has no country. */
  names: Map<string, string>;
}

function buildStateTable(
  country: string,
  table: Readonly<Record<string, readonly string[]>>,
): StateTable {
  const t: StateTable = { byKey: new Map(), byExact: new Map(), names: new Map() };
  for (const [code, names] of Object.entries(table)) {
    const full = `${country}-${code}`;
    t.byKey.set(looseKey(code), full);
    t.byExact.set(code, full);
    t.byExact.set(full, full);
    names.forEach((name, i) => {
      t.byKey.set(looseKey(name), full);
      if (i === 0) {
        t.byExact.set(name, full);
        t.names.set(looseKey(name), full);
      }
    });
  }
  return t;
}

const STATE_TABLES: ReadonlyMap<string, StateTable> = new Map([
  ['US', buildStateTable('US', US_STATES)],
  ['CA', buildStateTable('CA', CA_PROVINCES)],
]);

export const PREFIXED_STATE = /^([A-Za-z]{2})\s*-\s*(.+)$/;

/**
 * A state or province as `COUNTRY-CODE`. For the US and Canada, from a code ("ca", "ON"), a name
 * ("California", "british columbia", "Québec"), a traditional abbreviation ("Calif.", "Mass.") or
 * the prefixed form ("US-CA"); an unrecognised value gives `undefined`. For other countries, the
 * trimmed, upper-cased value prefixed with the country ("DE-BAYERN"). Without a country, only a
 * prefixed value or a full US state or Canadian province name is recognised (codes alone are
 * ambiguous across countries: WA is also Western Australia); anything else is returned upper-cased
 * without a prefix. `undefined` if blank.
 */
export function normalizeState(country: string | undefined, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const table = country === undefined ? undefined : STATE_TABLES.get(country);
  if (table) {
    const exact = table.byExact.get(value);
    if (exact !== undefined) return exact;
  }
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  const prefixed = PREFIXED_STATE.exec(trimmed);
  if (prefixed) {
    const prefix = prefixed[1]!.toUpperCase();
    if (ISO2_SET.has(prefix) && (country === undefined || prefix === country)) {
      const own = STATE_TABLES.get(prefix);
      if (own) return own.byKey.get(looseKey(prefixed[2]!));
      return `${prefix}-${collapse(prefixed[2]!)}`;
    }
  }
  if (table) return table.byKey.get(looseKey(trimmed));
  if (country !== undefined) return `${country}-${collapse(trimmed)}`;
  const key = looseKey(trimmed);
  for (const t of STATE_TABLES.values()) {
    const byName = t.names.get(key);
    if (byName !== undefined) return byName;
  }
  return collapse(trimmed);
}

/** Upper case with inner whitespace collapsed, so "north  rhine" and "North Rhine" agree. */
function collapse(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toUpperCase();
}

/** The country of a normalised `XX-…` state, if it has that form. */
export function countryOfState(state: string | undefined): string | undefined {
  return state !== undefined && state.length > 3 && state.charCodeAt(2) === 45 /* - */
    ? state.slice(0, 2)
    : undefined;
}
