/** Keys: how free text (country and state names) is compared. */

const NON_ASCII = /[\u0080-\uffff]/;
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NOT_ALNUM = /[^a-z0-9]/g;

/**
 * Case-, accent-, space- and punctuation-insensitive key: "U.S.A." → "usa", "Côte d'Ivoire" →
 * "cotedivoire", "Trinidad & Tobago" → "trinidadandtobago". Dropping spaces rather than collapsing
 * them also equates "South Korea", "SouthKorea" and "South-Korea".
 */
export function looseKey(value: string): string {
  let k = value.toLowerCase();
  // Only pay for Unicode normalisation when there is something to fold.
  if (NON_ASCII.test(k)) k = k.replace(/ß/g, 'ss').normalize('NFD').replace(COMBINING_MARKS, '');
  if (k.includes('&')) k = k.replace(/&/g, 'and');
  return k.replace(NOT_ALNUM, '');
}

/** Leading "the " people add ("The Bahamas") or drop ("Netherlands"). */
export function withoutArticle(key: string): string | undefined {
  return key.startsWith('the') && key.length > 3 ? key.slice(3) : undefined;
}
