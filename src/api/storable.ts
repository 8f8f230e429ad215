/**
 * Text the database cannot store: U+0000 (PostgreSQL's text and jsonb refuse it) and unpaired
 * UTF-16 surrogates (JSON can spell them, `"\ud800"`; jsonb refuses them). Found in a request, they
 * are a 400 naming each place, before anything is written — left to the database, they would fail
 * the transaction, and with it the other requests committed in the same batch.
 */

// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const UNSTORABLE_MESSAGE =
  'contains U+0000 or an unpaired surrogate (\\ud800–\\udfff), which cannot be stored';

/**
 * Where `value` (a parsed JSON or YAML body, query string or route parameters) holds a string, or
 * an object key, that cannot be stored: paths in the style of validation errors (`attributes.note`,
 * `leads[2].email`), under `prefix` (`query`, `params`) if given, at most `limit` of them. Empty when everything can be stored.
 */
export function unstorablePaths(value: unknown, prefix = '', limit = 20): string[] {
  if (storable(value)) return [];
  const out: string[] = [];
  // Iterative, so that a deeply nested body cannot exhaust the stack.
  const stack: Array<[unknown, string]> = [[value, prefix]];
  while (stack.length > 0 && out.length < limit) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) out.push(path || '(body)');
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, child] of Object.entries(v).reverse()) {
        const shown = UNSTORABLE.test(key) ? JSON.stringify(key).slice(1, -1) : key;
        const childPath = path ? `${path}.${shown}` : shown;
        if (shown !== key) out.push(childPath);
        else stack.push([child, childPath]);
      }
    }
  }
  return out;
}

/** The quick check of the common case: no paths built. */
function storable(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return false;
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    } else if (typeof v === 'object' && v !== null) {
      for (const key in v) {
        if (UNSTORABLE.test(key)) return false;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return true;
}
