/** The built-in sales regions. */

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
