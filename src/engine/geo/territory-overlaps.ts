/** Territories that can contain the same lead, reported as warnings on the later one. */
import { joinPath, type PolicyIssue } from '../issues.ts';
import {
  compileAll,
  report,
  type GeoDoc,
  type PostalRange,
  type Territory,
} from './territories.ts';

/**
 * Warns about territories that can contain the same lead: a shared country where neither narrows
 * by state or postal code, a shared state, or overlapping postal prefixes or ranges. The warning
 * sits on the later territory (`territories.X`) and names the earlier one and what they share.
 * Overlaps are often deliberate (a city inside its state); the warning makes them visible.
 */
export function findTerritoryOverlaps(doc: GeoDoc, issues: PolicyIssue[]): void {
  // compileTerritories reports the validation problems; here they would only repeat.
  const { territories } = compileAll(doc, []);
  for (let j = 1; j < territories.length; j++) {
    const b = territories[j]!;
    for (let i = 0; i < j; i++) {
      const a = territories[i]!;
      const shared = describeOverlap(a, b);
      if (shared !== undefined) {
        report(
          issues,
          'warning',
          joinPath('territories', b.id),
          `overlaps territory "${a.id}": both contain ${shared}`,
        );
      }
    }
  }
}

/** What two territories share, in words, or undefined when no location is in both. */
function describeOverlap(a: Territory, b: Territory): string | undefined {
  let countries: Set<string> | null;
  if (a.effectiveCountries && b.effectiveCountries) {
    countries = new Set([...a.effectiveCountries].filter((c) => b.effectiveCountries!.has(c)));
    if (!countries.size) return undefined;
  } else countries = a.effectiveCountries ?? b.effectiveCountries;

  let states: string[] | null = null;
  if (a.states || b.states) {
    const base =
      a.states && b.states
        ? [...a.states].filter((s) => b.states!.has(s))
        : [...(a.states ?? b.states!)];
    states = countries ? base.filter((s) => countries.has(s.slice(0, 2))) : base;
    if (!states.length) return undefined;
  }

  let postal: string | null = null;
  if (a.hasPostal || b.hasPostal) {
    if (a.hasPostal && b.hasPostal) {
      const pair = firstOverlappingPostal(a, b);
      if (pair === undefined) return undefined;
      postal = `postal codes matching ${pair[0]} here and ${pair[1]} in "${a.id}"`;
    } else {
      const t = a.hasPostal ? a : b;
      postal = `postal codes matching ${listOf(
        postalFilters(t).map((r) => r.label),
        4,
      )}`;
    }
  }

  const where = states ? listOf(states) : countries ? listOf(countries) : 'any country';
  return postal ? `${where} with ${postal}` : where;
}

function postalFilters(t: Territory): PostalRange[] {
  return [
    ...t.prefixes.map((p) => ({
      from: p,
      to: p,
      length: p.length,
      numeric: false,
      label: `prefix ${p}`,
    })),
    ...t.ranges,
  ];
}

/** The first prefix or range of `b` that shares a code with one of `a`'s, as labels [b's, a's]. */
function firstOverlappingPostal(a: Territory, b: Territory): [string, string] | undefined {
  const fa = postalFilters(a);
  for (const rb of postalFilters(b)) {
    for (const ra of fa) {
      // Codes match on their first `length` characters; compare both on the shorter length,
      // where each filter is a contiguous interval.
      const k = Math.min(ra.length, rb.length);
      if (ra.from.slice(0, k) <= rb.to.slice(0, k) && rb.from.slice(0, k) <= ra.to.slice(0, k))
        return [rb.label, ra.label];
    }
  }
  return undefined;
}

function listOf(names: Iterable<string>, max = 8): string {
  const all = [...names];
  return all.length > max ? `${all.slice(0, max).join(', ')}, …` : all.join(', ');
}
