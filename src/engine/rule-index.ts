/**
 * The rule index: which rules can possibly hold for a lead, from the plain-text values their
 * conditions require (`country: [DE, AT]`, `source: partner`), over several fields at once.
 *
 * Each rule's condition is read as an OR of terms (its disjunctive normal form, as far as it is
 * small), each term an AND of required values per field; clauses the index cannot read (numbers,
 * patterns, negations…) are left out of their term, which only makes it admit more. Every term
 * gets one bit. For each indexed field and value there is a bitset of the terms that admit the
 * value, and one for any other value. A lead's candidates are the AND of its values' bitsets:
 * a necessary condition, so routing still evaluates each candidate rule's whole condition, in
 * policy order, and takes the first that holds — the same rule as trying them all.
 */
import type { CompiledRule } from './compile.ts';
import type { ConditionNode, FieldLayout, Fields } from './conditions/index.ts';

/** Required values per field, lower-cased; a field absent from the map is unconstrained. */
type Term = ReadonlyMap<string, readonly string[]>;

/** A condition larger than this many terms counts as one unconstrained term. */
const MAX_TERMS_PER_RULE = 16;
/** Fields indexed at most: each costs a lookup and a pass over the bitset per lead. */
const MAX_FIELDS = 3;
/** An index pays for itself only when it lets a lead skip a good share of the rules. */
const MIN_CONSTRAINED_TERMS = 8;

interface IndexedField {
  field: string;
  slot: number;
  /** Trimmed lower-case value (and its upper-case form) → the terms that admit it. */
  byValue: ReadonlyMap<string, Uint32Array>;
  /** The terms that admit any other value (those that do not constrain the field). */
  others: Uint32Array;
}

export class RuleIndex {
  /** Scratch bitset for a lookup: routing is synchronous and never re-entered. */
  private readonly scratch: Uint32Array;

  constructor(
    readonly fields: readonly IndexedField[],
    /** term → index of its rule; terms are numbered in rule order. */
    private readonly termRule: Int32Array,
  ) {
    this.scratch = new Uint32Array(Math.ceil(termRule.length / 32));
  }

  /**
   * The first of `rules` (the policy's, in order) whose condition holds for `fields`, trying only
   * the candidates; undefined when none does.
   */
  firstMatch(rules: readonly CompiledRule[], fields: Fields): CompiledRule | undefined {
    const bits = this.scratch;
    let first = true;
    for (const f of this.fields) {
      const set = bitsetFor(f, fields[f.slot]);
      if (set === undefined) continue;
      if (first) bits.set(set);
      else for (let w = 0; w < bits.length; w++) bits[w] = bits[w]! & set[w]!;
      first = false;
    }
    if (first) bits.fill(0xffffffff);
    let tried = -1;
    for (let w = 0; w < bits.length; w++) {
      let word = bits[w]!;
      while (word !== 0) {
        const low = word & -word;
        const term = w * 32 + 31 - Math.clz32(low);
        word ^= low;
        if (term >= this.termRule.length) return undefined;
        const index = this.termRule[term]!;
        // A rule's terms are adjacent: evaluate it once.
        if (index === tried) continue;
        tried = index;
        const rule = rules[index]!;
        if (rule.condition.test(fields)) return rule;
      }
    }
    return undefined;
  }
}

/** The terms admitting `value`, or undefined when the value cannot be looked up (all terms). */
function bitsetFor(f: IndexedField, value: unknown): Uint32Array | undefined {
  if (typeof value !== 'string') return undefined;
  // Values usually arrive in the case the index also holds (see buildRuleIndex): no new string.
  const exact = f.byValue.get(value);
  if (exact !== undefined) return exact;
  const key = asciiKey(value);
  if (key === undefined) return undefined;
  return f.byValue.get(key) ?? f.others;
}

/** Trimmed lower case of printable-ASCII text (what the index stores); undefined otherwise. */
function asciiKey(value: string): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return undefined;
  }
  return value.trim().toLowerCase();
}

/** Builds the index over the rules' conditions (undefined: catch-all), or undefined when it would not pay. */
export function buildRuleIndex(
  nodes: ReadonlyArray<ConditionNode | undefined>,
  layout: FieldLayout,
): RuleIndex | undefined {
  const terms: Term[] = [];
  const rules: number[] = [];
  nodes.forEach((node, rule) => {
    for (const term of node ? termsOf(node) : [UNCONSTRAINED]) {
      terms.push(term);
      rules.push(rule);
    }
  });
  const constrained = new Map<string, number>();
  for (const term of terms)
    for (const field of term.keys()) constrained.set(field, (constrained.get(field) ?? 0) + 1);
  const chosen = [...constrained]
    .filter(([, count]) => count >= MIN_CONSTRAINED_TERMS)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_FIELDS)
    .map(([field]) => field);
  if (chosen.length === 0) return undefined;
  const words = Math.ceil(terms.length / 32);
  const fields = chosen.map((field): IndexedField => {
    const byValue = new Map<string, Uint32Array>();
    for (const term of terms)
      for (const v of term.get(field) ?? [])
        if (!byValue.has(v)) byValue.set(v, new Uint32Array(words));
    const others = new Uint32Array(words);
    terms.forEach((term, t) => {
      const bit = 1 << (t & 31);
      const w = t >> 5;
      const values = term.get(field);
      if (values === undefined) {
        others[w] = others[w]! | bit;
        for (const set of byValue.values()) set[w] = set[w]! | bit;
      } else {
        for (const v of values) {
          const set = byValue.get(v)!;
          set[w] = set[w]! | bit;
        }
      }
    });
    // Also under the upper-case form (codes: countries, states), so that a value in either case
    // is found without folding it first.
    for (const [value, set] of [...byValue]) {
      const upper = value.toUpperCase();
      if (!byValue.has(upper)) byValue.set(upper, set);
    }
    return { field, slot: layout.slotOf(field), byValue, others };
  });
  return new RuleIndex(fields, Int32Array.from(rules));
}

const UNCONSTRAINED: Term = new Map();

/** The condition as an OR of terms; one unconstrained term when it is too large to expand. */
function termsOf(node: ConditionNode): Term[] {
  switch (node.kind) {
    case 'field': {
      const values = requiredValues(node);
      return [values ? new Map([[node.field, values]]) : UNCONSTRAINED];
    }
    case 'any': {
      const out: Term[] = [];
      for (const child of node.children) {
        const terms = termsOf(child);
        // A branch that admits anything makes the whole `any` admit anything.
        if (terms.some((t) => t.size === 0)) return [UNCONSTRAINED];
        out.push(...terms);
        if (out.length > MAX_TERMS_PER_RULE) return [UNCONSTRAINED];
      }
      // `any: []` never holds: no term.
      return out;
    }
    case 'all': {
      let product: Term[] = [UNCONSTRAINED];
      for (const child of node.children) {
        const terms = termsOf(child);
        if (terms.length === 1 && terms[0]!.size === 0) continue;
        if (product.length * terms.length > MAX_TERMS_PER_RULE) return [UNCONSTRAINED];
        product = product.flatMap((a) => terms.map((b) => conjoin(a, b)));
      }
      return product;
    }
    case 'not':
      return [UNCONSTRAINED];
  }
}

/**
 * Both terms at once. A field both constrain keeps the first constraint only: a list-valued field
 * may meet each with a different element, so the two cannot be intersected.
 */
function conjoin(a: Term, b: Term): Term {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  const out = new Map(a);
  for (const [field, values] of b) if (!out.has(field)) out.set(field, values);
  return out;
}

/**
 * The values a field clause requires (`in` or `eq`), lower-cased, when they are plain
 * case-insensitive ASCII text that equality cannot also read as a number or a boolean.
 */
function requiredValues(
  node: Extract<ConditionNode, { kind: 'field' }>,
): readonly string[] | undefined {
  if (node.caseSensitive) return undefined;
  for (const op of node.ops) {
    const values = op.op === 'in' ? op.value : op.op === 'eq' ? [op.value] : undefined;
    if (
      values?.every(
        (v) =>
          typeof v === 'string' &&
          /^[\x20-\x7e]+$/.test(v) &&
          Number.isNaN(Number(v)) &&
          !/^(true|false|yes|no)$/i.test(v.trim()),
      )
    ) {
      return [...new Set(values.map((v) => (v as string).trim().toLowerCase()))];
    }
  }
  return undefined;
}
