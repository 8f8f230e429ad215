/**
 * Compiling a parsed condition into closures specialised per operator. Routing evaluates up to 200
 * rules per lead at hundreds of thousands of leads a second, so the hot path does no dispatch on
 * operator names, builds no regular expression and, for ASCII text that is trimmed and not in
 * mixed case, allocates nothing (case-insensitive comparisons fold ASCII letters in place rather
 * than lower-casing a copy). `explainFailure` re-runs the same closures to name the first clause
 * that failed, so an explanation can never disagree with the decision.
 */
import { showValue } from './describe.ts';
import { compileClause, describeClause } from './operators.ts';
import type { OperatorTest, Test } from './predicates.ts';
import {
  ALWAYS,
  FieldLayout,
  type CompiledCondition,
  type ConditionNode,
  type Fields,
  type FieldNode,
} from './types.ts';

/** A compiled node; `text` states what the node requires, for `not (…)` explanations. */
interface CompiledNode {
  test: (f: Fields) => boolean;
  explain: (f: Fields) => string | undefined;
  text: string;
  /** Whether `text` needs parentheses inside a larger expression. */
  compound: boolean;
  catchAll: boolean;
  /** A single-field clause (cheap to test), as opposed to a nested all/any/not. */
  simple: boolean;
}

/** Failure texts a clause remembers, by text value, before it starts afresh. */
const MAX_REMEMBERED_FAILURES = 256;

function compileField(node: FieldNode, layout: FieldLayout): CompiledNode {
  const { field, caseSensitive } = node;
  const slot = layout.slotOf(field);
  const ops = node.ops.map((op) => compileClause(op, caseSensitive));
  const texts = node.ops.map((op) => describeClause(field, op, caseSensitive));
  const anys = ops.map((op) => op.any);
  const strs = ops.map((op) => op.str);

  const describeFailure = (v: unknown): string => {
    if (anys.length === 1) return `${texts[0]!} (was ${showValue(v)})`;
    for (let i = 0; i < anys.length; i++)
      if (!anys[i]!(v)) return `${texts[i]!} (was ${showValue(v)})`;
    return `${texts.join(' and ')} (was ${showValue(v)})`;
  };
  const failures = new Map<string, string>();

  let test: Test;
  if (ops.length === 1) {
    test = ops[0]!.bind(slot);
  } else if (ops.length === 2) {
    const [{ str: s0, any: t0 }, { str: s1, any: t1 }] = ops as [OperatorTest, OperatorTest];
    test = (f) => {
      const v = f[slot];
      return typeof v === 'string' ? s0(v) && s1(v) : t0(v) && t1(v);
    };
  } else {
    test = (f) => {
      const v = f[slot];
      if (typeof v === 'string') {
        for (let i = 0; i < strs.length; i++) if (!strs[i]!(v)) return false;
      } else {
        for (let i = 0; i < anys.length; i++) if (!anys[i]!(v)) return false;
      }
      return true;
    };
  }
  return {
    test,
    // The specialised test answers first; only a failing clause of several operators needs the
    // generic ones to tell which operator failed.
    explain: (f) => {
      if (test(f)) return undefined;
      const v = f[slot];
      if (typeof v !== 'string') return describeFailure(v);
      // Explanations name the same failures over and over (this country, that source): each
      // clause keeps the texts of the text values it has failed on.
      let text = failures.get(v);
      if (text === undefined) {
        text = describeFailure(v);
        if (failures.size >= MAX_REMEMBERED_FAILURES) failures.clear();
        failures.set(v, text);
      }
      return text;
    },
    text: texts.join(' and '),
    compound: texts.length > 1,
    catchAll: ops.length === 0,
    simple: true,
  };
}

function conjunction(tests: readonly Test[]): Test {
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const [a, b] = tests as [Test, Test];
    return (f) => a(f) && b(f);
  }
  if (tests.length === 3) {
    const [a, b, c] = tests as [Test, Test, Test];
    return (f) => a(f) && b(f) && c(f);
  }
  return (f) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(f)) return false;
    return true;
  };
}

function disjunction(tests: readonly Test[]): Test {
  if (tests.length === 0) return () => false;
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const [a, b] = tests as [Test, Test];
    return (f) => a(f) || b(f);
  }
  if (tests.length === 3) {
    const [a, b, c] = tests as [Test, Test, Test];
    return (f) => a(f) || b(f) || c(f);
  }
  return (f) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(f)) return true;
    return false;
  };
}

function joinTexts(parts: readonly CompiledNode[], word: string): string {
  return parts
    .map((c) => (parts.length > 1 && c.compound ? `(${c.text})` : c.text))
    .join(` ${word} `);
}

function compileAll(children: readonly CompiledNode[]): CompiledNode {
  // Parts that always hold cost time and say nothing.
  const parts = children.filter((c) => !c.catchAll);
  // AND is order-free, so the test runs single-field clauses before nested any/not, which cost
  // more; explanations keep the order the admin wrote.
  const cheapFirst = [...parts.filter((c) => c.simple), ...parts.filter((c) => !c.simple)];
  return {
    test: conjunction(cheapFirst.map((c) => c.test)),
    explain: (f) => {
      for (const c of parts) {
        const failure = c.explain(f);
        if (failure !== undefined) return failure;
      }
      return undefined;
    },
    text: parts.length === 0 ? 'always' : joinTexts(parts, 'and'),
    compound: parts.length > 1 || (parts.length === 1 && parts[0]!.compound),
    catchAll: parts.length === 0,
    simple: false,
  };
}

function compileAny(children: readonly CompiledNode[]): CompiledNode {
  const test = disjunction(children.map((c) => c.test));
  return {
    test,
    explain: (f) => {
      if (test(f)) return undefined;
      if (children.length === 1) return children[0]!.explain(f);
      // Concatenation rather than map and join: no array, and no copy of the parts.
      let text = `none of (${children[0]!.explain(f)!}`;
      for (let i = 1; i < children.length; i++) text += `; ${children[i]!.explain(f)!}`;
      return `${text})`;
    },
    text: children.length === 0 ? 'never' : joinTexts(children, 'or'),
    compound: children.length > 1 || (children.length === 1 && children[0]!.compound),
    catchAll: children.some((c) => c.catchAll),
    simple: false,
  };
}

function compileNot(child: CompiledNode): CompiledNode {
  const inner = child.test;
  const text = `not (${child.text})`;
  return {
    test: (f) => !inner(f),
    explain: (f) => (inner(f) ? text : undefined),
    text,
    compound: false,
    catchAll: false,
    simple: false,
  };
}

function compileNode(node: ConditionNode, fields: Set<string>, layout: FieldLayout): CompiledNode {
  switch (node.kind) {
    case 'field':
      fields.add(node.field);
      return compileField(node, layout);
    case 'all':
      return compileAll(node.children.map((c) => compileNode(c, fields, layout)));
    case 'any':
      return compileAny(node.children.map((c) => compileNode(c, fields, layout)));
    case 'not':
      return compileNot(compileNode(node.child, fields, layout));
  }
}

/**
 * Compiles a parsed condition into closures reading field values by slot of `layout` (a policy
 * shares one layout across its rules). `undefined` (an absent or invalid condition) compiles to a
 * catch-all; callers check the parse issues before using the result.
 */
export function compileCondition(
  node: ConditionNode | undefined,
  layout: FieldLayout = new FieldLayout(),
): CompiledCondition {
  const fields = new Set<string>();
  const compiled = compileNode(node ?? ALWAYS, fields, layout);
  return {
    test: compiled.test,
    explainFailure: compiled.explain,
    fields: [...fields],
    isCatchAll: compiled.catchAll,
    layout,
  };
}
