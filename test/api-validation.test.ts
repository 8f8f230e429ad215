import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  batchInputSchema,
  isWellFormedBatch,
  isWellFormedLead,
  leadInputSchema,
} from '../src/api/schemas.ts';

const key = fc.oneof(
  fc.constantFrom(
    'external_id',
    'email',
    'country',
    'postal_code',
    'language',
    'source',
    'id',
    'employees',
    'bad key',
    '',
    '9lives',
    'a.b:c-d',
    '__proto__',
  ),
  fc.string({ maxLength: 12 }),
);
const value = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', 'x'.repeat(21), 'x'.repeat(201), 'x'.repeat(10_001)),
  fc.double(),
  // JSON's 1e400 parses to Infinity: the schema refuses it, so the quick check must too.
  fc.constantFrom(Infinity, -Infinity, NaN),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }),
);
const lead = fc.dictionary(key, value, { maxKeys: 8 });

describe('the fast lead check', () => {
  it('accepts only leads the zod schema accepts, unchanged', () => {
    fc.assert(
      fc.property(lead, (l) => {
        if (!isWellFormedLead(l)) return;
        const parsed = leadInputSchema.safeParse(l);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(l);
      }),
      { numRuns: 3000 },
    );
  });

  it('does not mistake Object.prototype names for known fields', () => {
    for (const name of ['valueOf', 'constructor', 'toString', '__proto__']) {
      const l = JSON.parse(`{${JSON.stringify(name)}: ${JSON.stringify('x'.repeat(10_001))}}`);
      expect(isWellFormedLead(l), name).toBe(false);
    }
  });

  it('accepts the ordinary well-formed lead', () => {
    const l = {
      external_id: 'crm-1',
      email: 'a@b.co',
      country: 'DE',
      employees: 40,
      tags: ['a', 'b'],
      vip: true,
      note: null,
    };
    expect(isWellFormedLead(l)).toBe(true);
    expect(isWellFormedLead({ ...l, id: 'x' })).toBe(false);
    expect(isWellFormedLead({ ...l, postal_code: 94105 })).toBe(false);
    expect(isWellFormedLead({ ...l, external_id: '' })).toBe(false);
  });

  it('accepts only batches the zod schema accepts', () => {
    fc.assert(
      fc.property(fc.array(lead, { maxLength: 3 }), fc.boolean(), (leads, extra) => {
        const batch = extra ? { leads, other: 1 } : { leads };
        if (!isWellFormedBatch(batch)) return;
        expect(batchInputSchema.safeParse(batch).success).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
