/** Postal code formats: what separates a code's parts, and the shapes of US ZIP codes. */

/** Spaces and dashes inside a postal code. */
export const SEPARATORS = /[\s-]+/g;
export const US_ZIP = /^(\d{5})(?:\d{4})?$/;
/** ZIP or ZIP+4 whose leading zeros a spreadsheet ate: "2134" was "02134" (Boston). */
export const US_SHORT_ZIP = /^(\d{3,4})(?:[\s-]+\d{4})?$/;
