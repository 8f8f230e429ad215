/**
 * Structural difference between two policy documents, for reviewing a version before publishing
 * it. Lists of objects with an `id` (rules) are compared by id, so inserting a rule reports one
 * added rule and the moves it caused, not a change to every rule after it.
 */

export interface PolicyChange {
  /** Where, e.g. `pools.emea.members[2]` or `rules[id=strategic].fallback`. */
  path: string;
  change: 'added' | 'removed' | 'changed' | 'moved';
  before?: unknown;
  after?: unknown;
}

/** Every difference from `before` to `after`, in document order. */
export function diffPolicies(before: unknown, after: unknown): PolicyChange[] {
  const out: PolicyChange[] = [];
  walk(before, after, '', out);
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: PolicyChange[]): void {
  if (deepEqual(a, b)) return;
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const key of keys) {
      const p = join(path, key);
      if (!(key in a)) out.push({ path: p, change: 'added', after: b[key] });
      else if (!(key in b)) out.push({ path: p, change: 'removed', before: a[key] });
      else walk(a[key], b[key], p, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (hasIds(a) && hasIds(b)) return walkById(a, b, path, out);
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const p = `${path}[${i}]`;
      if (i >= a.length) out.push({ path: p, change: 'added', after: b[i] });
      else if (i >= b.length) out.push({ path: p, change: 'removed', before: a[i] });
      else walk(a[i], b[i], p, out);
    }
    return;
  }
  out.push({ path: path || '(document)', change: 'changed', before: a, after: b });
}

function walkById(
  a: Array<{ id: string }>,
  b: Array<{ id: string }>,
  path: string,
  out: PolicyChange[],
): void {
  const indexA = new Map(a.map((x, i) => [x.id, i]));
  const indexB = new Map(b.map((x, i) => [x.id, i]));
  // Order among the items both versions share: a move is a change of rank there, not of index.
  const sharedA = a.filter((x) => indexB.has(x.id)).map((x) => x.id);
  const sharedB = b.filter((x) => indexA.has(x.id)).map((x) => x.id);
  for (const item of a) {
    if (!indexB.has(item.id))
      out.push({ path: `${path}[id=${item.id}]`, change: 'removed', before: item });
  }
  b.forEach((item, i) => {
    const p = `${path}[id=${item.id}]`;
    const j = indexA.get(item.id);
    if (j === undefined) {
      out.push({ path: p, change: 'added', after: { ...item, position: i } });
      return;
    }
    if (sharedA.indexOf(item.id) !== sharedB.indexOf(item.id))
      out.push({ path: p, change: 'moved', before: j, after: i });
    walk(a[j], item, p, out);
  });
}

function hasIds(list: unknown[]): list is Array<{ id: string }> {
  if (list.length === 0) return false;
  const ids = new Set<string>();
  for (const x of list) {
    if (!isRecord(x) || typeof x.id !== 'string' || ids.has(x.id)) return false;
    ids.add(x.id);
  }
  return true;
}

function join(path: string, key: string): string {
  const safe = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
  return path ? `${path}.${safe}` : safe;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}
