/** Postal codes in the form territory prefixes and ranges are compared against. */
import { SEPARATORS, US_SHORT_ZIP, US_ZIP } from './tables/postal-formats.ts';

/** Upper case without spaces or dashes: how prefixes, range bounds and codes are compared. */
export function compactPostal(value: string): string {
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
