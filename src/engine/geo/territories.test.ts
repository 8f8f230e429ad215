import { describe, expect, it } from 'vitest';
import { formatIssue, type PolicyIssue } from '../issues.ts';
import type { TerritoryDoc } from '../policy-schema.ts';
import {
  compileTerritories,
  findTerritoryOverlaps,
  normalizePostalCode,
  normalizeState,
} from './index.ts';

function compile(
  territories: Record<string, TerritoryDoc>,
  regions: Record<string, string[]> = {},
) {
  const issues: PolicyIssue[] = [];
  const compiled = compileTerritories({ regions, territories }, issues);
  return {
    compiled,
    issues,
    errors: issues.filter((i) => i.severity === 'error').map(formatIssue),
  };
}

function overlaps(
  territories: Record<string, TerritoryDoc>,
  regions: Record<string, string[]> = {},
): string[] {
  const issues: PolicyIssue[] = [];
  findTerritoryOverlaps({ regions, territories }, issues);
  return issues.map(formatIssue);
}

describe('compileTerritories', () => {
  it('gives the built-in regions of a country', () => {
    const { compiled } = compile({});
    expect(compiled.regionsOf('DE')).toEqual(['EMEA']);
    expect(compiled.regionsOf('BR')).toEqual(['LATAM']);
    expect(compiled.regionsOf(undefined)).toEqual([]);
  });

  it('lets a policy region replace a built-in one by a case-insensitive name, keeping its spelling', () => {
    const { compiled, issues } = compile(
      { europe: { regions: ['emea'] } },
      { emea: ['Germany', 'France'], DACH: ['DE', 'AT', 'CH'] },
    );
    expect(issues).toEqual([]);
    expect(compiled.regionsOf('DE')).toEqual(['EMEA', 'DACH']);
    expect(compiled.regionsOf('GB')).toEqual([]);
    expect(compiled.territoriesOf({ country: 'FR' })).toEqual(['europe']);
    expect(compiled.territoriesOf({ country: 'GB' })).toEqual([]);
  });

  it('matches a territory by country names, codes and regions', () => {
    const { compiled, errors } = compile({
      dach: { countries: ['Deutschland', 'AUT', 'ch'] },
      latam: { regions: ['LATAM'] },
    });
    expect(errors).toEqual([]);
    expect(compiled.territoryIds).toEqual(['dach', 'latam']);
    expect(compiled.territoriesOf({ country: 'AT' })).toEqual(['dach']);
    expect(compiled.territoriesOf({ country: 'MX' })).toEqual(['latam']);
    expect(compiled.territoriesOf({ country: 'US' })).toEqual([]);
    expect(compiled.territoriesOf({})).toEqual([]);
  });

  it('matches states given as names for a single-country territory and as US-CA otherwise', () => {
    const { compiled, errors } = compile({
      west: { countries: ['US'], states: ['California', 'or', 'Washington'] },
      pacific: { states: ['US-CA', 'CA-BC'] },
    });
    expect(errors).toEqual([]);
    expect(compiled.territoriesOf({ country: 'US', state: 'US-CA' })).toEqual(['west', 'pacific']);
    expect(compiled.territoriesOf({ country: 'US', state: 'US-OR' })).toEqual(['west']);
    expect(compiled.territoriesOf({ country: 'CA', state: 'CA-BC' })).toEqual(['pacific']);
    expect(compiled.territoriesOf({ country: 'US', state: 'US-TX' })).toEqual([]);
    expect(compiled.territoriesOf({ country: 'US' })).toEqual([]);
  });

  it('places a lead without a country by the country of its state', () => {
    const { compiled } = compile({ us: { countries: ['US'] } });
    expect(compiled.territoriesOf({ state: normalizeState(undefined, 'Texas') })).toEqual(['us']);
  });

  it('matches postal code prefixes on the start of the normalised code', () => {
    const { compiled } = compile({
      bay: { countries: ['US'], postal_codes: { prefixes: ['940', '941'] } },
    });
    expect(
      compiled.territoriesOf({
        country: 'US',
        postalCode: normalizePostalCode('US', '94105-1234'),
      }),
    ).toEqual(['bay']);
    expect(compiled.territoriesOf({ country: 'US', postalCode: '95014' })).toEqual([]);
    expect(compiled.territoriesOf({ country: 'US' })).toEqual([]);
    expect(compiled.territoriesOf({ country: 'CA', postalCode: '94105' })).toEqual([]);
  });

  it('matches postal code ranges inclusively, numerically for digit bounds', () => {
    const { compiled } = compile({
      socal: { countries: ['US'], postal_codes: { ranges: [['90000', '93599']] } },
    });
    const of = (postalCode: string) => compiled.territoriesOf({ country: 'US', postalCode });
    expect(of('90000')).toEqual(['socal']);
    expect(of('93599')).toEqual(['socal']);
    expect(of('91A00')).toEqual([]);
    expect(of('93600')).toEqual([]);
    expect(of('89999')).toEqual([]);
  });

  it('compares a range on as many leading characters as its bounds have', () => {
    const { compiled } = compile({
      london_sw: { countries: ['GB'], postal_codes: { ranges: [['SW1', 'SW9']] } },
      three_digit: { countries: ['US'], postal_codes: { ranges: [['900', '935']] } },
    });
    expect(compiled.territoriesOf({ country: 'GB', postalCode: 'SW1A1AA' })).toEqual(['london_sw']);
    expect(compiled.territoriesOf({ country: 'GB', postalCode: 'SE11AA' })).toEqual([]);
    expect(compiled.territoriesOf({ country: 'US', postalCode: '93599' })).toEqual(['three_digit']);
    expect(compiled.territoriesOf({ country: 'US', postalCode: '93600' })).toEqual([]);
  });

  it('matches a postal-code-only territory in any country', () => {
    const { compiled } = compile({
      tens: { postal_codes: { prefixes: ['10'] } },
      us: { countries: ['US'] },
    });
    expect(compiled.territoriesOf({ country: 'DE', postalCode: '10115' })).toEqual(['tens']);
    expect(compiled.territoriesOf({ country: 'US', postalCode: '10001' })).toEqual(['tens', 'us']);
    expect(compiled.territoriesOf({ postalCode: '10001' })).toEqual(['tens']);
  });

  it('requires every dimension a territory gives to match', () => {
    const { compiled } = compile({
      sf: { countries: ['US'], states: ['CA'], postal_codes: { prefixes: ['941'] } },
    });
    expect(compiled.territoriesOf({ country: 'US', state: 'US-CA', postalCode: '94105' })).toEqual([
      'sf',
    ]);
    expect(compiled.territoriesOf({ country: 'US', state: 'US-NY', postalCode: '94105' })).toEqual(
      [],
    );
    expect(compiled.territoriesOf({ country: 'US', state: 'US-CA', postalCode: '90210' })).toEqual(
      [],
    );
  });

  it('returns territories in declaration order among many', () => {
    const territories: Record<string, TerritoryDoc> = {};
    for (let i = 0; i < 50; i++)
      territories[`t${i}`] =
        i % 2
          ? { countries: ['US'], postal_codes: { prefixes: [String(i % 10)] } }
          : { postal_codes: { prefixes: [String(i % 10)] } };
    const { compiled } = compile(territories);
    expect(compiled.territoriesOf({ country: 'US', postalCode: '30000' })).toEqual([
      't3',
      't13',
      't23',
      't33',
      't43',
    ]);
    expect(compiled.territoriesOf({ country: 'US', postalCode: '40000' })).toEqual([
      't4',
      't14',
      't24',
      't34',
      't44',
    ]);
  });

  it('reports an unknown country with its path', () => {
    const { errors } = compile({ dach: { countries: ['DE', 'AT', 'Narnia'] } });
    expect(errors).toEqual([
      'territories.dach.countries[2]: unknown country "Narnia"; use a country name, an ISO-2 or an ISO-3 code',
    ]);
  });

  it('does not let a territory whose countries are all unknown match every country', () => {
    const { compiled } = compile({ bad: { countries: ['Narnia'] } });
    expect(compiled.territoriesOf({ country: 'DE' })).toEqual([]);
  });

  it("reports an unknown region and lists the known ones, built-in and the policy's", () => {
    const { errors } = compile(
      { nordics: { regions: ['Nordics', 'Germany'] } },
      { DACH: ['DE', 'AT', 'CH'] },
    );
    expect(errors).toEqual([
      'territories.nordics.regions[0]: unknown region "Nordics"; expected one of NA, LATAM, EMEA, APAC, DACH',
      'territories.nordics.regions[1]: unknown region "Germany"; expected one of NA, LATAM, EMEA, APAC, DACH; "Germany" is a country: list it under countries',
    ]);
  });

  it('reports an unknown country in a policy region', () => {
    const { errors } = compile({}, { DACH: ['DE', 'Atlantis'] });
    expect(errors).toEqual([
      'regions.DACH[1]: unknown country "Atlantis"; use a country name, an ISO-2 or an ISO-3 code',
    ]);
  });

  it('reports a region defined twice under names that differ only in case', () => {
    const { errors } = compile({}, { dach: ['DE'], DACH: ['AT'] });
    expect(errors).toEqual([
      'regions.DACH: region "DACH" is defined twice (names are case-insensitive; see "dach")',
    ]);
  });

  it('asks for US-CA form when a bare state has no single country to belong to', () => {
    const { errors } = compile({ na: { countries: ['US', 'CA'], states: ['California'] } });
    expect(errors).toEqual([
      'territories.na.states[0]: state "California" needs its country: write it as "US-CA" or "CA-ON", or give the territory exactly one country',
    ]);
  });

  it("reports an unknown US state and a state outside the territory's countries", () => {
    const { errors } = compile({ west: { countries: ['US'], states: ['Calfornia', 'CA-ON'] } });
    expect(errors).toEqual([
      'territories.west.states[0]: unknown US state "Calfornia"; use a code such as "CA" or "US-CA" or a full name',
      "territories.west.states[1]: state CA-ON is in CA, which is not among the territory's countries, so it can never match",
    ]);
  });

  it('reports an empty territory', () => {
    const { errors } = compile({ nothing: {}, hollow: { countries: [], postal_codes: {} } });
    expect(errors).toEqual([
      'territories.nothing: empty territory: give at least one of countries, regions, states or postal_codes',
      'territories.hollow: empty territory: give at least one of countries, regions, states or postal_codes',
    ]);
  });

  it('reports postal ranges of unequal length or reversed bounds', () => {
    const { errors } = compile({
      bad: {
        countries: ['US'],
        postal_codes: {
          ranges: [
            ['9000', '96199'],
            ['96199', '90000'],
            ['90000', '96199'],
          ],
          prefixes: [' - '],
        },
      },
    });
    expect(errors).toEqual([
      'territories.bad.postal_codes.prefixes[0]: postal code prefix " - " is empty without spaces and dashes',
      'territories.bad.postal_codes.ranges[0]: range bounds "9000" and "96199" differ in length (4 and 5); a range compares that many leading characters, so both bounds need the same length',
      'territories.bad.postal_codes.ranges[1]: range is reversed: "96199" comes after "90000"; write ["90000", "96199"]',
    ]);
  });

  it('warns about a country listed twice under different names', () => {
    const { issues } = compile({ de: { countries: ['DE', 'Deutschland'] } });
    expect(issues.map(formatIssue)).toEqual([
      'territories.de.countries[1]: "Deutschland" repeats DE',
    ]);
  });
});

describe('findTerritoryOverlaps', () => {
  it('warns when two territories share a country and neither narrows it', () => {
    expect(
      overlaps({
        dach: { countries: ['DE', 'AT', 'CH'] },
        central: { countries: ['Germany', 'Poland'] },
      }),
    ).toEqual(['territories.central: overlaps territory "dach": both contain DE']);
  });

  it("warns when a region-based territory contains another territory's country", () => {
    expect(overlaps({ emea: { regions: ['EMEA'] }, uk: { countries: ['UK'] } })).toEqual([
      'territories.uk: overlaps territory "emea": both contain GB',
    ]);
  });

  it('warns about shared states but not about different states of one country', () => {
    expect(
      overlaps({
        west: { countries: ['US'], states: ['CA', 'OR'] },
        east: { countries: ['US'], states: ['NY'] },
        cal: { states: ['US-CA'] },
      }),
    ).toEqual(['territories.cal: overlaps territory "west": both contain US-CA']);
  });

  it('warns about a state territory inside a whole-country territory', () => {
    expect(overlaps({ us: { countries: ['US'] }, texas: { states: ['US-TX'] } })).toEqual([
      'territories.texas: overlaps territory "us": both contain US-TX',
    ]);
  });

  it('warns about overlapping prefixes and ranges, naming both', () => {
    expect(
      overlaps({
        bay: { countries: ['US'], postal_codes: { prefixes: ['940', '941'] } },
        norcal: { countries: ['US'], postal_codes: { ranges: [['94000', '96199']] } },
        socal: { countries: ['US'], postal_codes: { ranges: [['90000', '93599']] } },
      }),
    ).toEqual([
      'territories.norcal: overlaps territory "bay": both contain US with postal codes matching range 94000–96199 here and prefix 940 in "bay"',
    ]);
  });

  it('warns about nested prefixes and about a postal territory inside a country territory', () => {
    expect(
      overlaps({
        ny: { countries: ['US'], postal_codes: { prefixes: ['10'] } },
        manhattan: { countries: ['US'], postal_codes: { prefixes: ['100'] } },
        us: { countries: ['US'] },
      }),
    ).toEqual([
      'territories.manhattan: overlaps territory "ny": both contain US with postal codes matching prefix 100 here and prefix 10 in "ny"',
      'territories.us: overlaps territory "ny": both contain US with postal codes matching prefix 10',
      'territories.us: overlaps territory "manhattan": both contain US with postal codes matching prefix 100',
    ]);
  });

  it('says nothing about territories in different countries or disjoint postal codes', () => {
    expect(
      overlaps({
        de: { countries: ['DE'] },
        fr: { countries: ['FR'] },
        low: { countries: ['US'], postal_codes: { ranges: [['00000', '49999']] } },
        high: {
          countries: ['US'],
          postal_codes: { ranges: [['50000', '99999']], prefixes: ['5', '6'] },
        },
        na: { countries: ['US', 'CA'], states: ['CA-ON'] },
      }),
    ).toEqual([]);
  });

  it('warns when a territory without countries overlaps any other', () => {
    expect(
      overlaps({
        tens: { postal_codes: { prefixes: ['10'] } },
        ten_k: { postal_codes: { ranges: [['10000', '10999']] } },
      }),
    ).toEqual([
      'territories.ten_k: overlaps territory "tens": both contain any country with postal codes matching range 10000–10999 here and prefix 10 in "tens"',
    ]);
  });
});
