/**
 * Countries: a lead's country as written (a name in English, German, French or Spanish, a code,
 * a common variant) to its ISO-3166 alpha-2 code. Every table is built once at module load, so a
 * lookup is one or two map gets.
 */
// The package's main entry registers all ~80 locales; we only want four, so we load the bare library.
import countries from 'i18n-iso-countries/index.js';
import de from 'i18n-iso-countries/langs/de.json' with { type: 'json' };
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import es from 'i18n-iso-countries/langs/es.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };
import { looseKey, withoutArticle } from './loose-key.ts';
import { COUNTRY_VARIANTS, JUNK_NA_FORMS } from './tables/countries.ts';

for (const locale of [en, de, fr, es]) countries.registerLocale(locale);

/** Every ISO-3166 alpha-2 code the library knows (includes XK, Kosovo), in its order. */
const ISO2_CODES: readonly string[] = Object.keys(countries.getAlpha2Codes());
export const ISO2_SET: ReadonlySet<string> = new Set(ISO2_CODES);

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
