/**
 * Geography: normalising the country, state and postal code a lead arrives with, built-in sales
 * regions, and compiling a policy's regions and territories into lookup structures.
 *
 * Normalisation runs for every lead, so every table is built once at module load and a lookup is
 * one or two map gets. Compilation runs once per policy version and reports every problem it finds
 * as a `PolicyIssue` naming its path.
 */
// The package's main entry registers all ~80 locales; we only want four, so we load the bare library.
import countries from 'i18n-iso-countries/index.js';
import de from 'i18n-iso-countries/langs/de.json' with { type: 'json' };
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import es from 'i18n-iso-countries/langs/es.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };
import { joinPath, type PolicyIssue } from './issues.ts';
import type { TerritoryDoc } from './policy-schema.ts';

// ---------------------------------------------------------------------------------------------
// Keys: how free text is compared
// ---------------------------------------------------------------------------------------------

const NON_ASCII = /[\u0080-\uffff]/;
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NOT_ALNUM = /[^a-z0-9]/g;

/**
 * Case-, accent-, space- and punctuation-insensitive key: "U.S.A." → "usa", "Côte d'Ivoire" →
 * "cotedivoire", "Trinidad & Tobago" → "trinidadandtobago". Dropping spaces rather than collapsing
 * them also equates "South Korea", "SouthKorea" and "South-Korea".
 */
function looseKey(value: string): string {
  let k = value.toLowerCase();
  // Only pay for Unicode normalisation when there is something to fold.
  if (NON_ASCII.test(k)) k = k.replace(/ß/g, 'ss').normalize('NFD').replace(COMBINING_MARKS, '');
  if (k.includes('&')) k = k.replace(/&/g, 'and');
  return k.replace(NOT_ALNUM, '');
}

/** Leading "the " people add ("The Bahamas") or drop ("Netherlands"). */
function withoutArticle(key: string): string | undefined {
  return key.startsWith('the') && key.length > 3 ? key.slice(3) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Countries
// ---------------------------------------------------------------------------------------------

for (const locale of [en, de, fr, es]) countries.registerLocale(locale);

/** Every ISO-3166 alpha-2 code the library knows (includes XK, Kosovo), in its order. */
const ISO2_CODES: readonly string[] = Object.keys(countries.getAlpha2Codes());
const ISO2_SET: ReadonlySet<string> = new Set(ISO2_CODES);

/**
 * What people type that the library's names do not cover: abbreviations, constituent countries,
 * old names, endonyms of the markets we see most, and ISO's "Name, Qualifier of" forms that CRM
 * picklists use. These win over the library when keys collide.
 */
const COUNTRY_VARIANTS: Readonly<Record<string, readonly string[]>> = {
  US: [
    'USA',
    'U.S.',
    'U.S.A.',
    'United States of America',
    'America',
    'United States America',
    'Estados Unidos de America',
    'Etats-Unis',
    'Vereinigte Staaten',
  ],
  GB: [
    'UK',
    'U.K.',
    'Great Britain',
    'Britain',
    'England',
    'Scotland',
    'Wales',
    'Northern Ireland',
    'United Kingdom of Great Britain and Northern Ireland',
    'GBR',
  ],
  NL: ['Holland', 'Nederland', 'Netherlands, The', 'Kingdom of the Netherlands'],
  KR: ['Korea', 'Korea, South', 'South Korea', 'ROK', 'Korea Republic of', 'Korea (South)'],
  KP: [
    'Korea, North',
    'North Korea',
    'DPRK',
    "Korea, Democratic People's Republic of",
    'Korea (North)',
  ],
  RU: ['Russia', 'Russian Federation'],
  AE: ['UAE', 'U.A.E.', 'Emirates'],
  CZ: ['Czech Republic', 'Czechia', 'Cesko'],
  CI: ['Ivory Coast', "Cote d'Ivoire"],
  VN: ['Vietnam', 'Viet Nam'],
  MO: ['Macau', 'Macao', 'Macao SAR', 'Macau SAR', 'Macao SAR China'],
  HK: ['Hong Kong SAR', 'Hong Kong SAR China', 'Hong Kong, China'],
  CN: ['PRC', 'Mainland China', "China, People's Republic of"],
  TW: ['Taiwan', 'Republic of China', 'Taiwan ROC', 'Chinese Taipei'],
  MM: ['Burma'],
  SZ: ['Swaziland', 'Eswatini'],
  TL: ['East Timor', 'Timor Leste'],
  CV: ['Cabo Verde', 'Cape Verde'],
  VA: ['Vatican', 'Vatican City', 'Holy See'],
  MK: ['Macedonia', 'FYROM', 'Macedonia, the former Yugoslav Republic of'],
  LA: ['Laos', 'Lao PDR'],
  SY: ['Syria'],
  MD: ['Moldova'],
  FM: ['Micronesia'],
  BO: ['Bolivia, Plurinational State of'],
  VE: ['Venezuela, Bolivarian Republic of'],
  IR: ['Iran, Islamic Republic of'],
  TZ: ['Tanzania, United Republic of'],
  CD: [
    'DR Congo',
    'DRC',
    'Congo, Democratic Republic of the',
    'Congo-Kinshasa',
    'Congo (Kinshasa)',
  ],
  CG: ['Congo', 'Congo-Brazzaville', 'Congo (Brazzaville)', 'Congo, Republic of the'],
  PS: ['Palestine, State of', 'Palestinian Territories'],
  BN: ['Brunei'],
  VI: ['US Virgin Islands', 'U.S. Virgin Islands'],
  VG: ['British Virgin Islands', 'BVI'],
  TR: ['Turkey', 'Turkiye'],
  IE: ['Eire', 'Republic of Ireland'],
  BE: ['Belgie', 'Belgique'],
  CH: ['Schweiz', 'Suisse', 'Svizzera'],
  SE: ['Sverige'],
  NO: ['Norge'],
  DK: ['Danmark'],
  FI: ['Suomi'],
  PL: ['Polska'],
  HR: ['Hrvatska'],
  HU: ['Magyarorszag'],
  IT: ['Italia'],
  BR: ['Brasil'],
  JP: ['Nippon', 'Nihon'],
};

/** Values that mean "no answer" but would otherwise read as a code (N/A → "na", Namibia). */
const JUNK_NA_FORMS = new Set(['n/a', 'n.a.', 'n.a', 'n / a', 'n-a']);

/** Loose key → ISO-2: the full lookup. */
const COUNTRY_BY_KEY = new Map<string, string>();
/** Value exactly as usually written ("US", "DEU", "Germany", "USA") → ISO-2: the fast path. */
const COUNTRY_BY_EXACT = new Map<string, string>();

function buildCountryTables(): void {
  const setLoose = (name: string, iso: string, override: boolean): void => {
    const key = looseKey(name);
    if (!key) return;
    // Earlier sources win: codes before names, English before other languages, so "Congo"
    // stays with the first country the library lists for it.
    if (override || !COUNTRY_BY_KEY.has(key)) COUNTRY_BY_KEY.set(key, iso);
    // "Saint Lucia" is as often "St Lucia" or "St. Lucia".
    if (key.startsWith('saint')) {
      const st = `st${key.slice(5)}`;
      if (override || !COUNTRY_BY_KEY.has(st)) COUNTRY_BY_KEY.set(st, iso);
    }
  };
  for (const iso2 of ISO2_CODES) {
    setLoose(iso2, iso2, false);
    COUNTRY_BY_EXACT.set(iso2, iso2);
  }
  for (const [iso3, iso2] of Object.entries(countries.getAlpha3Codes())) {
    setLoose(iso3, iso2, false);
    COUNTRY_BY_EXACT.set(iso3, iso2);
  }
  for (const locale of ['en', 'de', 'fr', 'es']) {
    for (const [iso2, names] of Object.entries(countries.getNames(locale, { select: 'all' }))) {
      for (const name of names) {
        setLoose(name, iso2, false);
        // German names are often typed without umlauts: "Oesterreich", "Tuerkei".
        if (/[äöü]/i.test(name))
          setLoose(
            name
              .replace(/ä/g, 'ae')
              .replace(/ö/g, 'oe')
              .replace(/ü/g, 'ue')
              .replace(/Ä/g, 'Ae')
              .replace(/Ö/g, 'Oe')
              .replace(/Ü/g, 'Ue'),
            iso2,
            false,
          );
        if (!COUNTRY_BY_EXACT.has(name) && COUNTRY_BY_KEY.get(looseKey(name)) === iso2)
          COUNTRY_BY_EXACT.set(name, iso2);
      }
    }
  }
  for (const [iso2, names] of Object.entries(COUNTRY_VARIANTS)) {
    for (const name of names) {
      setLoose(name, iso2, true);
      COUNTRY_BY_EXACT.set(name, iso2);
    }
  }
  // The fast path must never disagree with the full lookup once variants have overridden names.
  for (const [name, iso2] of COUNTRY_BY_EXACT) {
    const loose = COUNTRY_BY_KEY.get(looseKey(name));
    if (loose !== undefined && loose !== iso2) COUNTRY_BY_EXACT.set(name, loose);
  }
}
buildCountryTables();

/**
 * ISO-3166 alpha-2 code (upper case) of a country given as a name (English, German, French or
 * Spanish), an ISO-2 or ISO-3 code, or a common variant ("USA", "U.K.", "Holland", "Korea").
 * Case, accents, spaces and punctuation do not matter. Returns `undefined` for blank, junk
 * ("Select", "unknown", "N/A", "-") and unknown values. Note that a bare "NA" is Namibia's code.
 */
export function normalizeCountry(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const exact = COUNTRY_BY_EXACT.get(value);
  if (exact !== undefined) return exact;
  const key = looseKey(value);
  if (!key) return undefined;
  const found = COUNTRY_BY_KEY.get(key);
  if (found !== undefined) {
    if (key === 'na' && JUNK_NA_FORMS.has(value.trim().toLowerCase())) return undefined;
    return found;
  }
  const bare = withoutArticle(key);
  return bare === undefined ? undefined : COUNTRY_BY_KEY.get(bare);
}

// ---------------------------------------------------------------------------------------------
// States and provinces
// ---------------------------------------------------------------------------------------------

/** Code → names and abbreviations. The first name is the official one. */
const US_STATES: Readonly<Record<string, readonly string[]>> = {
  AL: ['Alabama', 'Ala'],
  AK: ['Alaska'],
  AZ: ['Arizona', 'Ariz'],
  AR: ['Arkansas', 'Ark'],
  CA: ['California', 'Calif', 'Cal'],
  CO: ['Colorado', 'Colo'],
  CT: ['Connecticut', 'Conn'],
  DE: ['Delaware', 'Del'],
  FL: ['Florida', 'Fla'],
  GA: ['Georgia'],
  HI: ['Hawaii', "Hawai'i"],
  ID: ['Idaho'],
  IL: ['Illinois', 'Ill'],
  IN: ['Indiana', 'Ind'],
  IA: ['Iowa'],
  KS: ['Kansas', 'Kan', 'Kans'],
  KY: ['Kentucky'],
  LA: ['Louisiana'],
  ME: ['Maine'],
  MD: ['Maryland'],
  MA: ['Massachusetts', 'Mass'],
  MI: ['Michigan', 'Mich'],
  MN: ['Minnesota', 'Minn'],
  MS: ['Mississippi', 'Miss'],
  MO: ['Missouri'],
  MT: ['Montana', 'Mont'],
  NE: ['Nebraska', 'Neb', 'Nebr'],
  NV: ['Nevada', 'Nev'],
  NH: ['New Hampshire'],
  NJ: ['New Jersey'],
  NM: ['New Mexico'],
  NY: ['New York', 'New York State'],
  NC: ['North Carolina', 'N Carolina'],
  ND: ['North Dakota', 'N Dakota'],
  OH: ['Ohio'],
  OK: ['Oklahoma', 'Okla'],
  OR: ['Oregon', 'Ore', 'Oreg'],
  PA: ['Pennsylvania', 'Penn', 'Penna'],
  RI: ['Rhode Island'],
  SC: ['South Carolina', 'S Carolina'],
  SD: ['South Dakota', 'S Dakota'],
  TN: ['Tennessee', 'Tenn'],
  TX: ['Texas', 'Tex'],
  UT: ['Utah'],
  VT: ['Vermont'],
  VA: ['Virginia'],
  WA: ['Washington', 'Wash', 'Washington State'],
  WV: ['West Virginia', 'W Virginia', 'W Va'],
  WI: ['Wisconsin', 'Wis', 'Wisc'],
  WY: ['Wyoming', 'Wyo'],
  DC: ['District of Columbia', 'Washington DC', 'Washington D.C.'],
  // Territories and military "states": they have USPS codes and ZIP codes, so US forms offer them.
  PR: ['Puerto Rico'],
  GU: ['Guam'],
  VI: ['U.S. Virgin Islands', 'Virgin Islands'],
  AS: ['American Samoa'],
  MP: ['Northern Mariana Islands'],
  UM: ['U.S. Minor Outlying Islands'],
  AA: ['Armed Forces Americas'],
  AE: ['Armed Forces Europe'],
  AP: ['Armed Forces Pacific'],
};

/** Code → English and French names, abbreviations and retired codes (NF, PQ, YK). */
const CA_PROVINCES: Readonly<Record<string, readonly string[]>> = {
  AB: ['Alberta', 'Alta'],
  BC: ['British Columbia', 'Colombie-Britannique'],
  MB: ['Manitoba', 'Man'],
  NB: ['New Brunswick', 'Nouveau-Brunswick'],
  NL: ['Newfoundland and Labrador', 'Newfoundland', 'Terre-Neuve-et-Labrador', 'NF', 'Nfld'],
  NS: ['Nova Scotia', 'Nouvelle-Écosse'],
  NT: ['Northwest Territories', 'Territoires du Nord-Ouest', 'NWT'],
  NU: ['Nunavut'],
  ON: ['Ontario', 'Ont'],
  PE: ['Prince Edward Island', 'Île-du-Prince-Édouard', 'PEI'],
  QC: ['Quebec', 'PQ', 'Que'],
  SK: ['Saskatchewan', 'Sask'],
  YT: ['Yukon', 'Yukon Territory', 'YK'],
};

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

const PREFIXED_STATE = /^([A-Za-z]{2})\s*-\s*(.+)$/;

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
function countryOfState(state: string | undefined): string | undefined {
  return state !== undefined && state.length > 3 && state.charCodeAt(2) === 45 /* - */
    ? state.slice(0, 2)
    : undefined;
}

// ---------------------------------------------------------------------------------------------
// Postal codes
// ---------------------------------------------------------------------------------------------

const SEPARATORS = /[\s-]+/g;
const US_ZIP = /^(\d{5})(?:\d{4})?$/;
/** ZIP or ZIP+4 whose leading zeros a spreadsheet ate: "2134" was "02134" (Boston). */
const US_SHORT_ZIP = /^(\d{3,4})(?:[\s-]+\d{4})?$/;

/** Upper case without spaces or dashes: how prefixes, range bounds and codes are compared. */
function compactPostal(value: string): string {
  return value.toUpperCase().replace(SEPARATORS, '');
}

/**
 * A postal code in the form prefixes and ranges are compared against: upper case, without spaces
 * or dashes ("sw1a 1aa" → "SW1A1AA", "k1a 0b1" → "K1A0B1"). US codes keep the 5-digit ZIP only
 * ("94105-1234" → "94105"), and get back leading zeros lost to spreadsheets ("2134" → "02134").
 * `undefined` if blank.
 */
export function normalizePostalCode(
  country: string | undefined,
  value: unknown,
): string | undefined {
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
    text = String(value);
  else return undefined;
  if (!text) return undefined;
  if (country === 'US') {
    const short = US_SHORT_ZIP.exec(text);
    if (short) return short[1]!.padStart(5, '0');
    const compact = compactPostal(text);
    const zip = US_ZIP.exec(compact);
    return zip ? zip[1]! : compact || undefined;
  }
  return compactPostal(text) || undefined;
}

// ---------------------------------------------------------------------------------------------
// Regions
// ---------------------------------------------------------------------------------------------

/**
 * Sales regions as most B2B companies cut the world. Choices where conventions differ: US
 * territories (PR, GU, VI, …) are NA because they use US states and ZIP codes; Bermuda and Saint
 * Pierre and Miquelon are NA; the Caribbean, Falklands and South Georgia are LATAM; Greenland
 * (Denmark), Russia, Central Asia and the Caucasus are EMEA; South Asia including Afghanistan and
 * Pakistan is APAC; Antarctica is APAC only so that every code has a home.
 */
// Kept dense: one code per line would hide the grouping.
// prettier-ignore
export const BUILTIN_REGIONS: Readonly<Record<'NA' | 'LATAM' | 'EMEA' | 'APAC', readonly string[]>> = Object.freeze({
  NA: Object.freeze(['US', 'CA', 'PR', 'VI', 'GU', 'AS', 'MP', 'UM', 'BM', 'PM']),
  LATAM: Object.freeze([
    // Mexico and Central America
    'MX', 'GT', 'BZ', 'SV', 'HN', 'NI', 'CR', 'PA',
    // South America and the South Atlantic
    'CO', 'VE', 'EC', 'PE', 'BO', 'BR', 'PY', 'UY', 'AR', 'CL', 'GY', 'SR', 'GF', 'FK', 'GS',
    // Caribbean
    'CU', 'JM', 'HT', 'DO', 'BS', 'BB', 'TT', 'AG', 'DM', 'GD', 'KN', 'LC', 'VC', 'AI', 'AW', 'BQ', 'CW', 'SX',
    'KY', 'MS', 'TC', 'VG', 'GP', 'MQ', 'BL', 'MF',
  ]),
  EMEA: Object.freeze([
    // Europe
    'AD', 'AL', 'AT', 'AX', 'BA', 'BE', 'BG', 'BY', 'CH', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FO', 'FR',
    'GB', 'GG', 'GI', 'GL', 'GR', 'HR', 'HU', 'IE', 'IM', 'IS', 'IT', 'JE', 'LI', 'LT', 'LU', 'LV', 'MC', 'MD',
    'ME', 'MK', 'MT', 'NL', 'NO', 'PL', 'PT', 'RO', 'RS', 'RU', 'SE', 'SI', 'SJ', 'SK', 'SM', 'UA', 'VA', 'XK',
    'BV', 'TF',
    // Middle East, Caucasus and Central Asia
    'AE', 'BH', 'IL', 'IQ', 'IR', 'JO', 'KW', 'LB', 'OM', 'PS', 'QA', 'SA', 'SY', 'TR', 'YE', 'AM', 'AZ', 'GE',
    'KZ', 'KG', 'TJ', 'TM', 'UZ',
    // Africa
    'DZ', 'AO', 'BJ', 'BW', 'BF', 'BI', 'CV', 'CM', 'CF', 'TD', 'KM', 'CG', 'CD', 'CI', 'DJ', 'EG', 'GQ', 'ER',
    'SZ', 'ET', 'GA', 'GM', 'GH', 'GN', 'GW', 'KE', 'LS', 'LR', 'LY', 'MG', 'MW', 'ML', 'MR', 'MU', 'YT', 'MA',
    'MZ', 'NA', 'NE', 'NG', 'RE', 'RW', 'SH', 'ST', 'SN', 'SC', 'SL', 'SO', 'ZA', 'SS', 'SD', 'TZ', 'TG', 'TN',
    'UG', 'EH', 'ZM', 'ZW',
  ]),
  APAC: Object.freeze([
    // East Asia
    'CN', 'HK', 'MO', 'TW', 'JP', 'KR', 'KP', 'MN',
    // South-East Asia
    'BN', 'KH', 'ID', 'LA', 'MY', 'MM', 'PH', 'SG', 'TH', 'TL', 'VN',
    // South Asia
    'IN', 'PK', 'BD', 'LK', 'NP', 'BT', 'MV', 'AF', 'IO',
    // Oceania and the rest of the far south
    'AU', 'NZ', 'PG', 'FJ', 'SB', 'VU', 'NC', 'PF', 'WS', 'TO', 'TV', 'KI', 'NR', 'FM', 'MH', 'PW', 'CK', 'NU',
    'TK', 'WF', 'PN', 'NF', 'CX', 'CC', 'HM', 'AQ',
  ]),
});

// ---------------------------------------------------------------------------------------------
// Territories
// ---------------------------------------------------------------------------------------------

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
type GeoDoc = { regions: Record<string, string[]>; territories: Record<string, TerritoryDoc> };

/**
 * Codes whose first `length` characters lie in [from, to]. A prefix p is the range [p, p].
 * Bounds have equal length, so comparing strings is comparing numbers when both are digits.
 */
interface PostalRange {
  from: string;
  to: string;
  length: number;
  /** Digit bounds only match digit codes: "10A00" is not between 10000 and 19999. */
  numeric: boolean;
  /** How the policy wrote it, for messages. */
  label: string;
}

interface Territory {
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

function listOf(names: Iterable<string>, max = 8): string {
  const all = [...names];
  return all.length > max ? `${all.slice(0, max).join(', ')}, …` : all.join(', ');
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
      issues.push({
        severity: 'error',
        path,
        message: `region "${rawName}" is defined twice (names are case-insensitive; see "${earlier}")`,
      });
      continue;
    }
    defined.set(lower, rawName);
    const isos: string[] = [];
    list.forEach((value, i) => {
      const iso = normalizeCountry(value);
      if (iso === undefined)
        issues.push({ severity: 'error', path: joinPath(path, i), message: unknownCountry(value) });
      else if (!isos.includes(iso)) isos.push(iso);
    });
    if (list.length === 0)
      issues.push({
        severity: 'warning',
        path,
        message: `region "${rawName}" has no countries, so no lead is in it`,
      });
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
    issues.push({
      severity: 'error',
      path,
      message: 'empty territory: give at least one of countries, regions, states or postal_codes',
    });
  }

  if (given.countries.length || given.regions.length) {
    // A dimension that was given stays a filter even when every entry is invalid: it must not
    // silently widen to "any country".
    t.countries = new Set();
    given.countries.forEach((value, i) => {
      const iso = normalizeCountry(value);
      const p = joinPath(joinPath(path, 'countries'), i);
      if (iso === undefined)
        issues.push({ severity: 'error', path: p, message: unknownCountry(value) });
      else if (listed.includes(iso))
        issues.push({ severity: 'warning', path: p, message: `"${value}" repeats ${iso}` });
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
        issues.push({
          severity: 'error',
          path: p,
          message: `unknown region ${JSON.stringify(value)}; expected one of ${known}${hint}`,
        });
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
          issues.push({
            severity: 'error',
            path: p,
            message: unknownState(value, prefixed[1]!.toUpperCase()),
          });
      } else if (only !== undefined) {
        state = normalizeState(only, value);
        if (state === undefined)
          issues.push({ severity: 'error', path: p, message: unknownState(value, only) });
      } else {
        issues.push({
          severity: 'error',
          path: p,
          message: `state ${JSON.stringify(value)} needs its country: write it as "US-CA" or "CA-ON", or give the territory exactly one country`,
        });
      }
      if (state === undefined) return;
      const country = state.slice(0, 2);
      if (t.countries && !t.countries.has(country)) {
        issues.push({
          severity: 'error',
          path: p,
          message: `state ${state} is in ${country}, which is not among the territory's countries, so it can never match`,
        });
      }
      t.states!.add(state);
    });
  }

  prefixes.forEach((value, i) => {
    const p = joinPath(joinPath(joinPath(path, 'postal_codes'), 'prefixes'), i);
    const prefix = compactPostal(value);
    if (!prefix)
      issues.push({
        severity: 'error',
        path: p,
        message: `postal code prefix ${JSON.stringify(value)} is empty without spaces and dashes`,
      });
    else t.prefixes.push(prefix);
  });
  ranges.forEach(([rawFrom, rawTo], i) => {
    const p = joinPath(joinPath(joinPath(path, 'postal_codes'), 'ranges'), i);
    const from = compactPostal(rawFrom);
    const to = compactPostal(rawTo);
    if (!from || !to) {
      issues.push({
        severity: 'error',
        path: p,
        message: `range bounds ${JSON.stringify([rawFrom, rawTo])} are empty without spaces and dashes`,
      });
    } else if (from.length !== to.length) {
      issues.push({
        severity: 'error',
        path: p,
        message: `range bounds "${from}" and "${to}" differ in length (${from.length} and ${to.length}); a range compares that many leading characters, so both bounds need the same length`,
      });
    } else if (from > to) {
      issues.push({
        severity: 'error',
        path: p,
        message: `range is reversed: "${from}" comes after "${to}"; write ["${to}", "${from}"]`,
      });
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

function compileAll(
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
        issues.push({
          severity: 'warning',
          path: joinPath('territories', b.id),
          message: `overlaps territory "${a.id}": both contain ${shared}`,
        });
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
