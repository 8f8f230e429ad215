import countries from 'i18n-iso-countries/index.js';
import { describe, expect, it } from 'vitest';
import { normalizeCountry, normalizePostalCode, normalizeState } from './index.ts';
import { BUILTIN_REGIONS } from './tables/regions.ts';

describe('normalizeCountry', () => {
  it.each([
    ['USA', 'US'],
    ['United States of America', 'US'],
    ['U.S.', 'US'],
    ['u.s.a.', 'US'],
    ['America', 'US'],
    ['Deutschland', 'DE'],
    ['Allemagne', 'DE'],
    ['España', 'ES'],
    ['espana', 'ES'],
    ['UK', 'GB'],
    ['U.K.', 'GB'],
    ['England', 'GB'],
    ['Scotland', 'GB'],
    ['ind', 'IN'],
    ['IN', 'IN'],
    ['India', 'IN'],
    ['Holland', 'NL'],
    ['the Netherlands', 'NL'],
    ['South Korea', 'KR'],
    ['Korea', 'KR'],
    ['Russia', 'RU'],
    ['UAE', 'AE'],
    ['Czech Republic', 'CZ'],
    ['Ivory Coast', 'CI'],
    ["Côte d'Ivoire", 'CI'],
    ['Vietnam', 'VN'],
    ['Macau', 'MO'],
    ['Türkiye', 'TR'],
    ['Oesterreich', 'AT'],
    ['St. Lucia', 'LC'],
    ['Trinidad & Tobago', 'TT'],
    ['The Bahamas', 'BS'],
    ['  germany  ', 'DE'],
    ['deu', 'DE'],
  ])('reads %j as %s', (input, iso) => {
    expect(normalizeCountry(input)).toBe(iso);
  });

  it.each([
    '',
    '   ',
    'Select',
    'select country',
    'unknown',
    'N/A',
    'n/a',
    '-',
    '--',
    '?',
    'Narnia',
  ])('gives undefined for the junk or unknown value %j', (input) => {
    expect(normalizeCountry(input)).toBeUndefined();
  });

  it('gives undefined for values that are not strings', () => {
    expect(normalizeCountry(undefined)).toBeUndefined();
    expect(normalizeCountry(null)).toBeUndefined();
    expect(normalizeCountry(840)).toBeUndefined();
    expect(normalizeCountry(['US'])).toBeUndefined();
  });

  it('keeps a bare NA as Namibia, because it is a valid ISO code', () => {
    expect(normalizeCountry('NA')).toBe('NA');
  });

  it('recognises every ISO-2 and ISO-3 code the library knows, in any case', () => {
    for (const [iso3, iso2] of Object.entries(countries.getAlpha3Codes())) {
      expect(normalizeCountry(iso2.toLowerCase())).toBe(iso2);
      expect(normalizeCountry(iso3)).toBe(iso2);
    }
  });
});

describe('normalizeState', () => {
  it.each([
    ['US', 'California', 'US-CA'],
    ['US', 'california', 'US-CA'],
    ['US', 'CA', 'US-CA'],
    ['US', 'ca', 'US-CA'],
    ['US', 'Calif.', 'US-CA'],
    ['US', 'US-CA', 'US-CA'],
    ['US', 'us-ny', 'US-NY'],
    ['US', 'Washington D.C.', 'US-DC'],
    ['US', 'Puerto Rico', 'US-PR'],
    ['CA', 'british columbia', 'CA-BC'],
    ['CA', 'Québec', 'CA-QC'],
    ['CA', 'on', 'CA-ON'],
    ['CA', 'CA-ON', 'CA-ON'],
  ])('reads %s state %j as %s', (country, input, expected) => {
    expect(normalizeState(country, input)).toBe(expected);
  });

  it('gives undefined for an unknown US state or Canadian province', () => {
    expect(normalizeState('US', 'Ontario')).toBeUndefined();
    expect(normalizeState('US', 'Narnia')).toBeUndefined();
    expect(normalizeState('US', 'CA-ON')).toBeUndefined();
    expect(normalizeState('CA', 'Texas')).toBeUndefined();
  });

  it('prefixes the upper-cased value with the country elsewhere', () => {
    expect(normalizeState('DE', ' Bayern ')).toBe('DE-BAYERN');
    expect(normalizeState('DE', 'DE-BY')).toBe('DE-BY');
    expect(normalizeState('GB', 'north  yorkshire')).toBe('GB-NORTH YORKSHIRE');
  });

  it('recognises a full US or Canadian name without a country, but not a bare code', () => {
    expect(normalizeState(undefined, 'California')).toBe('US-CA');
    expect(normalizeState(undefined, 'Ontario')).toBe('CA-ON');
    expect(normalizeState(undefined, 'us-tx')).toBe('US-TX');
    expect(normalizeState(undefined, 'WA')).toBe('WA');
  });

  it('gives undefined when the value is blank or not a string', () => {
    expect(normalizeState('US', '')).toBeUndefined();
    expect(normalizeState('DE', '  ')).toBeUndefined();
    expect(normalizeState('US', 6)).toBeUndefined();
  });
});

describe('normalizePostalCode', () => {
  it('keeps the 5-digit ZIP of a ZIP+4', () => {
    expect(normalizePostalCode('US', '94105-1234')).toBe('94105');
    expect(normalizePostalCode('US', '94105 1234')).toBe('94105');
    expect(normalizePostalCode('US', '941051234')).toBe('94105');
  });

  it('restores the leading zero a spreadsheet removed from a US ZIP', () => {
    expect(normalizePostalCode('US', '2134')).toBe('02134');
    expect(normalizePostalCode('US', 2134)).toBe('02134');
  });

  it('upper-cases and removes spaces and dashes elsewhere', () => {
    expect(normalizePostalCode('GB', 'sw1a 1aa')).toBe('SW1A1AA');
    expect(normalizePostalCode('CA', 'k1a 0b1')).toBe('K1A0B1');
    expect(normalizePostalCode('PL', '00-950')).toBe('00950');
    expect(normalizePostalCode(undefined, ' 10115 ')).toBe('10115');
  });

  it('gives undefined when blank', () => {
    expect(normalizePostalCode('US', '   ')).toBeUndefined();
    expect(normalizePostalCode('DE', null)).toBeUndefined();
  });
});

describe('BUILTIN_REGIONS', () => {
  it('puts every ISO country in exactly one region', () => {
    const all = Object.keys(countries.getAlpha2Codes()).sort();
    const listed = Object.values(BUILTIN_REGIONS).flat();
    expect([...listed].sort()).toEqual(all);
    expect(new Set(listed).size).toBe(listed.length);
  });
});
