/**
 * Geography: normalising the country, state and postal code a lead arrives with (countries.ts,
 * states.ts, postal-codes.ts over the data in tables/), built-in sales regions, and compiling a
 * policy's regions and territories into lookup structures (territories.ts, territory-overlaps.ts).
 */
export { normalizeCountry } from './countries.ts';
export { normalizePostalCode } from './postal-codes.ts';
export { normalizeState } from './states.ts';
export { BUILTIN_REGIONS } from './tables/regions.ts';
export { compileTerritories, type CompiledTerritories, type Location } from './territories.ts';
export { findTerritoryOverlaps } from './territory-overlaps.ts';
