/**
 * Compiling a policy's regions and territories into lookup structures. Runs once per policy
 * version and reports every problem it finds as a `PolicyIssue` naming its path, through
 * `report`.
 */
import { joinPath, type PolicyIssue } from '../issues.ts';
import type { TerritoryDoc } from '../policy-schema.ts';
import { ISO2_SET, normalizeCountry } from './countries.ts';
import { compactPostal } from './postal-codes.ts';
import { countryOfState, normalizeState, PREFIXED_STATE } from './states.ts';
import { BUILTIN_REGIONS } from './tables/regions.ts';

/** A location whose parts are already normalised (`normalizeCountry`, `normalizeState`, …). */
export interface Location {
  country?: string;
  state?: string;
  postalCode?: string;
}

/** A policy's geography compiled for per-lead lookups. */
export interface CompiledTerritories {
  /** Region names (built-in, possibly overridden, plus policy-defined) containing the country; [] if none. */
  regionsOf(country: string | undefined): readonly string[];
  /** Ids of the policy's territories containing the location, in declaration order. */
  territoriesOf(location: Location): readonly string[];
  /** Every territory id, in declaration order. */
  readonly territoryIds: readonly string[];
}

/** The part of a policy document this module reads. */
export type GeoDoc = {
  regions: Record<string, string[]>;
  territories: Record<string, TerritoryDoc>;
};

/**
 * Codes whose first `length` characters lie in [from, to]. A prefix p is the range [p, p].
 * Bounds have equal length, so comparing strings is comparing numbers when both are digits.
 */
export interface PostalRange {
  from: string;
  to: string;
  length: number;
  /** Digit bounds only match digit codes: "10A00" is not between 10000 and 19999. */
  numeric: boolean;
  /** How the policy wrote it, for messages. */
  label: string;
}

export interface Territory {
  id: string;
  index: number;
  /** Country dimension (countries ∪ regions); null = not given. */
  countries: Set<string> | null;
  /** `US-CA` form; null = not given. */
  states: Set<string> | null;
  prefixes: string[];
  ranges: PostalRange[];
  hasPostal: boolean;
  /** Countries a lead must be in to match, for indexing and overlaps; null = any country. */
  effectiveCountries: Set<string> | null;
}

interface Region {
  name: string;
  countries: readonly string[];
}

const EMPTY: readonly string[] = Object.freeze([]);
const DIGITS = /^\d+$/;

function isDigits(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return value.length > 0;
}

function matchesPostal(t: Territory, code: string): boolean {
  for (const p of t.prefixes) if (code.startsWith(p)) return true;
  for (const r of t.ranges) {
    if (code.length < r.length) continue;
    const head = code.length === r.length ? code : code.slice(0, r.length);
    if (head >= r.from && head <= r.to && (!r.numeric || isDigits(head))) return true;
  }
  return false;
}

function matchesTerritory(t: Territory, country: string | undefined, loc: Location): boolean {
  if (t.countries && (country === undefined || !t.countries.has(country))) return false;
  if (t.states && (loc.state === undefined || !t.states.has(loc.state))) return false;
  if (t.hasPostal && (loc.postalCode === undefined || !matchesPostal(t, loc.postalCode)))
    return false;
  return true;
}

/** Built-in regions overridden or extended by the policy's, keyed by lower-case name. */
function compileRegions(doc: GeoDoc, issues: PolicyIssue[]): Map<string, Region> {
  const regions = new Map<string, Region>();
  for (const [name, list] of Object.entries(BUILTIN_REGIONS))
    regions.set(name.toLowerCase(), { name, countries: list });
  const defined = new Map<string, string>();
  for (const [rawName, list] of Object.entries(doc.regions)) {
    const path = joinPath('regions', rawName);
    const name = rawName.trim();
    const lower = name.toLowerCase();
    const earlier = defined.get(lower);
    if (earlier !== undefined) {
      report(
        issues,
        'error',
        path,
        `region "${rawName}" is defined twice (names are case-insensitive; see "${earlier}")`,
      );
      continue;
    }
    defined.set(lower, rawName);
    const isos: string[] = [];
    list.forEach((value, i) => {
      const iso = normalizeCountry(value);
      if (iso === undefined) report(issues, 'error', joinPath(path, i), unknownCountry(value));
      else if (!isos.includes(iso)) isos.push(iso);
    });
    if (list.length === 0)
      report(issues, 'warning', path, `region "${rawName}" has no countries, so no lead is in it`);
    // An override keeps the built-in spelling so conditions written `region: EMEA` keep working.
    regions.set(lower, { name: regions.get(lower)?.name ?? name, countries: isos });
  }
  return regions;
}

function unknownCountry(value: string): string {
  return `unknown country ${JSON.stringify(value)}; use a country name, an ISO-2 or an ISO-3 code`;
}

function compileTerritory(
  id: string,
  index: number,
  doc: TerritoryDoc,
  regions: Map<string, Region>,
  issues: PolicyIssue[],
): Territory {
  const path = joinPath('territories', id);
  const t: Territory = {
    id,
    index,
    countries: null,
    states: null,
    prefixes: [],
    ranges: [],
    hasPostal: false,
    effectiveCountries: null,
  };

  const listed: string[] = [];
  const given = {
    countries: doc.countries ?? [],
    regions: doc.regions ?? [],
    states: doc.states ?? [],
  };
  const prefixes = doc.postal_codes?.prefixes ?? [];
  const ranges = doc.postal_codes?.ranges ?? [];
  if (
    !given.countries.length &&
    !given.regions.length &&
    !given.states.length &&
    !prefixes.length &&
    !ranges.length
  ) {
    report(
      issues,
      'error',
      path,
      'empty territory: give at least one of countries, regions, states or postal_codes',
    );
  }

  if (given.countries.length || given.regions.length) {
    // A dimension that was given stays a filter even when every entry is invalid: it must not
    // silently widen to "any country".
    t.countries = new Set();
    given.countries.forEach((value, i) => {
      const iso = normalizeCountry(value);
      const p = joinPath(joinPath(path, 'countries'), i);
      if (iso === undefined) report(issues, 'error', p, unknownCountry(value));
      else if (listed.includes(iso)) report(issues, 'warning', p, `"${value}" repeats ${iso}`);
      else listed.push(iso);
    });
    for (const iso of listed) t.countries.add(iso);
    given.regions.forEach((value, i) => {
      const region = regions.get(value.trim().toLowerCase());
      const p = joinPath(joinPath(path, 'regions'), i);
      if (region) for (const iso of region.countries) t.countries!.add(iso);
      else {
        const known = [...regions.values()].map((r) => r.name).join(', ');
        const asCountry = normalizeCountry(value);
        const hint = asCountry
          ? `; ${JSON.stringify(value)} is a country: list it under countries`
          : '';
        report(
          issues,
          'error',
          p,
          `unknown region ${JSON.stringify(value)}; expected one of ${known}${hint}`,
        );
      }
    });
  }

  if (given.states.length) {
    t.states = new Set();
    // A bare name or code needs a country to be read in; regions are too wide to say which.
    const only = listed.length === 1 && !given.regions.length ? listed[0] : undefined;
    given.states.forEach((value, i) => {
      const p = joinPath(joinPath(path, 'states'), i);
      const prefixed = PREFIXED_STATE.exec(value.trim());
      let state: string | undefined;
      if (prefixed && ISO2_SET.has(prefixed[1]!.toUpperCase())) {
        state = normalizeState(prefixed[1]!.toUpperCase(), value);
        if (state === undefined)
          report(issues, 'error', p, unknownState(value, prefixed[1]!.toUpperCase()));
      } else if (only !== undefined) {
        state = normalizeState(only, value);
        if (state === undefined) report(issues, 'error', p, unknownState(value, only));
      } else {
        report(
          issues,
          'error',
          p,
          `state ${JSON.stringify(value)} needs its country: write it as "US-CA" or "CA-ON", or give the territory exactly one country`,
        );
      }
      if (state === undefined) return;
      const country = state.slice(0, 2);
      if (t.countries && !t.countries.has(country)) {
        report(
          issues,
          'error',
          p,
          `state ${state} is in ${country}, which is not among the territory's countries, so it can never match`,
        );
      }
      t.states!.add(state);
    });
  }

  prefixes.forEach((value, i) => {
    const p = joinPath(joinPath(joinPath(path, 'postal_codes'), 'prefixes'), i);
    const prefix = compactPostal(value);
    if (!prefix)
      report(
        issues,
        'error',
        p,
        `postal code prefix ${JSON.stringify(value)} is empty without spaces and dashes`,
      );
    else t.prefixes.push(prefix);
  });
  ranges.forEach(([rawFrom, rawTo], i) => {
    const p = joinPath(joinPath(joinPath(path, 'postal_codes'), 'ranges'), i);
    const from = compactPostal(rawFrom);
    const to = compactPostal(rawTo);
    if (!from || !to) {
      report(
        issues,
        'error',
        p,
        `range bounds ${JSON.stringify([rawFrom, rawTo])} are empty without spaces and dashes`,
      );
    } else if (from.length !== to.length) {
      report(
        issues,
        'error',
        p,
        `range bounds "${from}" and "${to}" differ in length (${from.length} and ${to.length}); a range compares that many leading characters, so both bounds need the same length`,
      );
    } else if (from > to) {
      report(
        issues,
        'error',
        p,
        `range is reversed: "${from}" comes after "${to}"; write ["${to}", "${from}"]`,
      );
    } else {
      t.ranges.push({
        from,
        to,
        length: from.length,
        numeric: DIGITS.test(from) && DIGITS.test(to),
        label: `range ${from}–${to}`,
      });
    }
  });
  t.hasPostal = prefixes.length > 0 || ranges.length > 0;

  if (t.countries) t.effectiveCountries = t.countries;
  else if (t.states) t.effectiveCountries = new Set([...t.states].map((s) => s.slice(0, 2)));
  return t;
}

function unknownState(value: string, country: string): string {
  const what = country === 'US' ? 'US state' : 'Canadian province or territory';
  return `unknown ${what} ${JSON.stringify(value)}; use a code such as ${country === 'US' ? '"CA" or "US-CA"' : '"ON" or "CA-ON"'} or a full name`;
}

export function compileAll(
  doc: GeoDoc,
  issues: PolicyIssue[],
): { regions: Map<string, Region>; territories: Territory[] } {
  const regions = compileRegions(doc, issues);
  const territories = Object.entries(doc.territories).map(([id, t], i) =>
    compileTerritory(id, i, t, regions, issues),
  );
  return { regions, territories };
}

/**
 * Validates and compiles the policy's `regions` (which override built-in regions of the same name,
 * case-insensitively, or add new ones) and `territories`. Errors and warnings are pushed to
 * `issues` with their paths (`territories.dach.countries[2]`).
 *
 * A territory contains a location when every dimension it gives matches: country (its countries
 * and the countries of its regions), state, and postal code (any prefix or range). A territory
 * without countries or regions matches any country, except that its states imply theirs.
 */
export function compileTerritories(doc: GeoDoc, issues: PolicyIssue[]): CompiledTerritories {
  const { regions, territories } = compileAll(doc, issues);

  const regionsByCountry = new Map<string, string[]>();
  for (const region of regions.values()) {
    for (const iso of region.countries) {
      const list = regionsByCountry.get(iso);
      if (list) {
        if (!list.includes(region.name)) list.push(region.name);
      } else regionsByCountry.set(iso, [region.name]);
    }
  }
  for (const list of regionsByCountry.values()) Object.freeze(list);

  // Only territories that could contain a country are checked for it; those without a country
  // dimension are candidates everywhere. Each list is in declaration order so results are too.
  const anywhere = territories.filter((t) => t.effectiveCountries === null);
  const byCountry = new Map<string, Territory[]>();
  for (const t of territories) {
    if (!t.effectiveCountries) continue;
    for (const iso of t.effectiveCountries) {
      const list = byCountry.get(iso);
      if (list) list.push(t);
      else byCountry.set(iso, [t]);
    }
  }
  if (anywhere.length) {
    for (const [iso, list] of byCountry)
      byCountry.set(
        iso,
        [...list, ...anywhere].sort((a, b) => a.index - b.index),
      );
  }

  const territoryIds = Object.freeze(territories.map((t) => t.id));
  return {
    territoryIds,
    regionsOf(country) {
      return (country !== undefined && regionsByCountry.get(country)) || EMPTY;
    },
    territoriesOf(location) {
      // A lead without a country but with a recognised state ("California") is in that state's country.
      const country = location.country ?? countryOfState(location.state);
      const candidates = (country !== undefined && byCountry.get(country)) || anywhere;
      let found: string[] | undefined;
      for (const t of candidates) {
        if (matchesTerritory(t, country, location)) (found ??= []).push(t.id);
      }
      return found ?? EMPTY;
    },
  };
}

/** Adds a problem found at `path` to `issues`: every message of geography compilation comes here. */
export function report(
  issues: PolicyIssue[],
  severity: PolicyIssue['severity'],
  path: string,
  message: string,
): void {
  issues.push({ severity, path, message });
}
