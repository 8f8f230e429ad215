/**
 * Lead-to-account matching, by concept: domains and free mail (domains.ts, domain-table.ts),
 * company names and their legal forms (company-names.ts, legal-forms.ts), the fuzzy name index
 * (fuzzy-name-index.ts with similarity.ts and hashing.ts), and the account index that combines
 * them (account-index.ts).
 */
export { buildAccountIndex, type AccountIndex, type AccountMatchOptions } from './account-index.ts';
export { normalizeCompanyName } from './company-names.ts';
export { isFreeMailDomain, normalizeDomain } from './domains.ts';
