/**
 * The JSON Schema of the policy document, for editor completion (`leadrouter policy schema`).
 * zod describes the structure; the condition grammar, which zod does not model, is spliced in.
 */
import { z } from 'zod';
import { conditionJsonSchema } from './conditions/index.ts';
import { policySchema } from './policy-schema.ts';

type Json = Record<string, unknown>;

export function policyJsonSchema(): Json {
  const schema = z.toJSONSchema(policySchema, { io: 'input', unrepresentable: 'any' }) as Json;
  // `when` is z.unknown() in the zod schema; give editors the real grammar instead.
  const rule = ((schema.properties as Json).rules as Json).items as Json;
  (rule.properties as Json).when = {
    $ref: '#/$defs/condition',
    description: 'Condition over the lead; absent = every lead.',
  };
  // So is the `when` of `sla_rules`.
  const slaRule = ((schema.properties as Json).sla_rules as Json).items as Json;
  (slaRule.properties as Json).when = {
    $ref: '#/$defs/condition',
    description:
      'Condition over the lead: the first `sla_rules` entry whose condition holds chooses the SLA.',
  };
  const { $defs: defs, $schema: _s, ...condition } = conditionJsonSchema;
  schema.$defs = {
    ...(schema.$defs as Json | undefined),
    ...(defs as Json | undefined),
    condition,
  };
  schema.title = 'leadrouter policy';
  return schema;
}
