/**
 * The legal forms a company name may end with, as data (the rules that use them are in
 * legal-forms.ts). Written as normalised words: lower case, diacritics removed ("beschränkter" →
 * "beschrankter"), dots dropped ("S.A." → "sa"), other punctuation a word break ("sp. z o.o." →
 * "sp z oo").
 *
 * Drawn from the abbreviations and full names of the ISO 20275 Entity Legal Forms list (GLEIF's
 * ELF code list) for the jurisdictions leads come from most, and from common English usage. No
 * npm package carries the ELF list or a maintained suffix list fit for the engine (the one
 * candidate, `cleanco`, is a one-release port with no upstream data updates), so the table lives
 * here. Deliberately left out: forms that are also ordinary words at the end of names ("EV",
 * "AD", "IS", "DA", "PC", "Group", "Holdings"), since dropping them would merge different
 * companies.
 */

/** Legal forms matched only exactly: short abbreviations, where one typo is another word. */
export const EXACT_LEGAL_FORMS: readonly string[] =
  // English-speaking countries, Singapore, Malaysia, India, Indonesia
  (
    'inc llc ltd plc corp co pty lp llp lllp pllc pte pvt bhd sdn tbk cic ' +
    // German-speaking countries
    'gmbh mbh ag kg kgaa ohg gbr ug ' +
    // French, Spanish, Portuguese, Italian and Latin-American forms
    'sa sas sasu sarl eurl snc sca sl slu sau srl srls spa sapa sac saa sab sapi ltda lda eireli ' +
    // Benelux
    'bv nv bvba cvba vof sprl scrl ' +
    // Nordic countries
    'ab oy oyj as asa aps hb kb ' +
    // Central and Eastern Europe, Baltics, Russia
    'se sro spol doo kft zrt nyrt sia uab ooo zao oao pao jsc pjsc ojsc cjsc spzoo ' +
    // Japan
    'kk'
  ).split(' ');

/**
 * Legal forms of five letters or more: also recognised when misspelt (see legal-forms.ts), since
 * a typo in a word this long still leaves it unlike any word that ends a company's own name.
 */
export const LONG_LEGAL_FORMS: readonly string[] = (
  'incorporated incorporation corporation company limited ' +
  'gesellschaft aktiengesellschaft kommanditgesellschaft genossenschaft ' +
  'limitada societe sociedad sociedade societa ' +
  'aktiebolag aktieselskab aksjeselskap anpartsselskab osakeyhtio'
).split(' ');

/**
 * Legal forms written as several words. Words of five letters or more are recognised when
 * misspelt, like {@link LONG_LEGAL_FORMS}; shorter words only exactly.
 */
export const LEGAL_FORM_PHRASES: ReadonlyArray<readonly string[]> = [
  // Spelt out letter by letter after dots become word breaks ("S. A.", "s.r.l" with spaces)
  'sp z oo',
  's a s',
  's r l',
  's p a',
  's a',
  's l',
  'b v',
  'n v',
  // Latin America
  'sa de cv',
  's a de c v',
  'sab de cv',
  'sapi de cv',
  's de rl de cv',
  's de rl',
  // English
  'limited liability company',
  'limited liability partnership',
  'limited partnership',
  'public limited company',
  'private limited',
  'proprietary limited',
  // German
  'gesellschaft mit beschrankter haftung',
  // French
  'societe anonyme',
  'societe a responsabilite limitee',
  'societe par actions simplifiee',
  // Spanish, Portuguese, Italian
  'sociedad anonima',
  'sociedad limitada',
  'sociedad de responsabilidad limitada',
  'sociedade anonima',
  'sociedade limitada',
  'societa per azioni',
  'societa a responsabilita limitata',
  // Dutch
  'besloten vennootschap',
  'naamloze vennootschap',
  // Polish
  'spolka z ograniczona odpowiedzialnoscia',
  'spolka akcyjna',
  // Japanese, Malay
  'kabushiki kaisha',
  'godo kaisha',
  'sendirian berhad',
].map((phrase) => phrase.split(' '));
