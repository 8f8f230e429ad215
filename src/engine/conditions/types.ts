/**
 * The shapes of the condition language: what a parsed condition is, what a compiled one offers and
 * how field values reach it.
 */
import type { OperatorClause } from './operators.ts';

/** A value a condition compares with. */
export type Scalar = string | number | boolean;

/**
 * A parsed condition. Plain, JSON-serialisable data: an empty `all` always holds (the catch-all);
 * a `field` node holds when all of its operators do.
 */
export type ConditionNode =
  | { readonly kind: 'all'; readonly children: readonly ConditionNode[] }
  | { readonly kind: 'any'; readonly children: readonly ConditionNode[] }
  | { readonly kind: 'not'; readonly child: ConditionNode }
  | FieldNode;

/** The clauses on one field, e.g. `employees: { gte: 200, lt: 5000 }`. */
export interface FieldNode {
  readonly kind: 'field';
  readonly field: string;
  readonly ops: readonly OperatorClause[];
  /** Text comparisons respect case (they are always trimmed). */
  readonly caseSensitive: boolean;
}

/** The condition that always holds: an absent `when`, `{}`. */
export const ALWAYS: ConditionNode = { kind: 'all', children: [] };

/**
 * What a condition reads: the lead's attributes and derived fields, one slot per field name, as
 * laid out by the policy's `FieldLayout`. An array indexed by compile-time slots instead of a
 * record keyed by name: building a many-keyed record per lead and looking names up in it cost more
 * than evaluating the rules themselves.
 */
export type Fields = readonly unknown[];

/** Assigns each field name a slot in the `Fields` array; shared by every condition of a policy. */
export class FieldLayout {
  readonly names: string[] = [];
  private readonly slots = new Map<string, number>();

  /** The slot of `name`, assigned on first use. */
  slotOf(name: string): number {
    let slot = this.slots.get(name);
    if (slot === undefined) {
      slot = this.names.length;
      this.slots.set(name, slot);
      this.names.push(name);
    }
    return slot;
  }

  /** The field values of a record keyed by name (own properties only), in slot order. */
  valuesOf(record: Readonly<Record<string, unknown>>): unknown[] {
    return this.names.map((name) => (Object.hasOwn(record, name) ? record[name] : undefined));
  }
}

/** A condition ready to evaluate. */
export interface CompiledCondition {
  /** Whether the record satisfies the condition. Hot path: no allocation for ordinary values. */
  test(fields: Fields): boolean;
  /**
   * Human text of the first clause that failed, e.g. `country in [US, CA] (was "DE")`,
   * `employees gte 1000 (was missing)`, `not (source eq "web")`; undefined if the condition holds.
   */
  explainFailure(fields: Fields): string | undefined;
  /** Field names referenced, in order of first appearance, for policy analysis. */
  readonly fields: readonly string[];
  /** True when the condition holds for every record (absent, `{}`, or only such parts). */
  readonly isCatchAll: boolean;
  /** Where each field's value sits in `Fields`; `layout.valuesOf(record)` builds them from a record. */
  readonly layout: FieldLayout;
}
