import { describe, expect, it } from 'vitest';
import { ValidationError } from '../engine/issues.ts';
import { leadTimestamp, parseLeadMapping, parseLeads } from './leads.ts';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a ValidationError');
}

const csv = `Prospect ID,Lead Source,Country,TotalVisits,Specialization,postal_code,email
p1,Google,India,5,Select,02134,a@acme.com
p2,Olark Chat,,0,Finance Management,90210,
p3,Reference,NA,2.5,,,
`;

describe('parseLeads from CSV', () => {
  it('keeps every column under its own name without a mapping, numbers as numbers', () => {
    expect(parseLeads(csv, 'csv')[0]).toEqual({
      'Prospect ID': 'p1',
      'Lead Source': 'Google',
      Country: 'India',
      TotalVisits: 5,
      Specialization: 'Select',
      postal_code: '02134',
      email: 'a@acme.com',
    });
  });

  it('renames mapped columns, drops null values, keeps unmapped columns and adds constants', () => {
    const mapping = parseLeadMapping(`
fields: { id: Prospect ID, source: "Lead Source", country: Country, specialization: Specialization }
null_values: [Select, na]
constants: { language: en }
`);
    expect(parseLeads(csv, 'csv', mapping)).toEqual([
      {
        id: 'p1',
        source: 'Google',
        country: 'India',
        TotalVisits: 5,
        postal_code: '02134',
        email: 'a@acme.com',
        language: 'en',
      },
      {
        id: 'p2',
        source: 'Olark Chat',
        specialization: 'Finance Management',
        TotalVisits: 0,
        postal_code: '90210',
        language: 'en',
      },
      { id: 'p3', source: 'Reference', TotalVisits: 2.5, language: 'en' },
    ]);
  });

  it('leaves unmapped columns out when keep_unmapped is false', () => {
    const mapping = parseLeadMapping('fields: { source: "Lead Source" }\nkeep_unmapped: false');
    expect(parseLeads(csv, 'csv', mapping).map((l) => Object.keys(l))).toEqual([
      ['source'],
      ['source'],
      ['source'],
    ]);
  });

  it('keeps numeric-looking values of text fields as text, and codes with leading zeros always', () => {
    const mapping = parseLeadMapping('fields: { visits: TotalVisits }\ntext_fields: [visits]');
    const [lead] = parseLeads(csv, 'csv', mapping);
    expect(lead?.visits).toBe('5');
    expect(parseLeads('code,n\n007,-12.5\n', 'csv')).toEqual([{ code: '007', n: -12.5 }]);
  });

  it('takes the first column with a value when a field lists fallbacks', () => {
    const mapping = parseLeadMapping('fields: { email: [Work Email, Email] }');
    expect(
      parseLeads('Work Email,Email\n,me@home.org\nme@acme.com,me@home.org\n', 'csv', mapping),
    ).toEqual([{ email: 'me@home.org' }, { email: 'me@acme.com' }]);
  });

  it('names a mapped column the file lacks and lists the columns it has', () => {
    const mapping = parseLeadMapping('fields: { source: Source }');
    expect(problems(() => parseLeads(csv, 'csv', mapping))).toEqual([
      'mapping.fields.source: column "Source" is not in the file; its columns are Prospect ID, Lead Source, Country, TotalVisits, Specialization, postal_code, email',
    ]);
  });

  it('reports rows with the wrong number of values', () => {
    expect(problems(() => parseLeads('a,b\n1,2\n3\n', 'csv'))).toEqual([
      'row 3: has 1 values but the header has 2 columns',
    ]);
  });

  it('caps the list of problems of a badly broken file', () => {
    const text = `a,b\n${'1\n'.repeat(120)}`;
    const issues = problems(() => parseLeads(text, 'csv'));
    expect(issues).toHaveLength(51);
    expect(issues[50]).toBe(': … and 70 more problems');
  });
});

describe('parseLeads from JSON Lines and JSON', () => {
  it('reads one object per line, skipping blank lines, keeping JSON types', () => {
    const text =
      '{"id":"1","employees":"120","score":7,"vip":true,"tags":["a","b"]}\n\n{"id":"2","country":null}\n';
    expect(parseLeads(text, 'jsonl')).toEqual([
      { id: '1', employees: '120', score: 7, vip: true, tags: ['a', 'b'] },
      { id: '2' },
    ]);
  });

  it('applies the mapping to JSON keys', () => {
    const mapping = parseLeadMapping(
      'fields: { source: utm_source }\nnull_values: [Select]\nconstants: { channel: web }',
    );
    expect(parseLeads('{"utm_source":"google","city":"Select"}', 'jsonl', mapping)).toEqual([
      { source: 'google', channel: 'web' },
    ]);
  });

  it('reports lines that are not JSON objects, and nested values, with their line', () => {
    const issues = problems(() =>
      parseLeads('{"id":1}\nnot json\n[1]\n{"address":{"city":"Pune"}}\n', 'jsonl'),
    );
    expect(issues[0]).toMatch(/^line 2: not valid JSON/);
    expect(issues.slice(1)).toEqual([
      'line 3: expected a lead object; got a list',
      'line 4, address: nested values are not supported: use text, a number, true/false or a list of texts (flatten objects into top-level fields)',
    ]);
  });

  it('reads a JSON list or {leads: [...]}', () => {
    expect(parseLeads('[{"id":"a"}]', 'json')).toEqual([{ id: 'a' }]);
    expect(parseLeads('{"leads":[{"id":"b"}]}', 'json')).toEqual([{ id: 'b' }]);
    expect(problems(() => parseLeads('{"id":"c"}', 'json'))).toEqual([
      ': expected a list of lead objects, or {"leads": [...]}',
    ]);
    expect(problems(() => parseLeads('[{"id":"a","geo":{"lat":1}}]', 'json'))[0]).toMatch(
      /^leads\[0\]\.geo: nested values/,
    );
  });

  it('parses a hundred thousand JSON lines in well under a second', () => {
    const line = (i: number) =>
      JSON.stringify({
        id: `L${i}`,
        email: `p${i}@acme.com`,
        country: 'India',
        employees: i % 500,
      });
    const text = Array.from({ length: 100_000 }, (_, i) => line(i)).join('\n');
    const started = performance.now();
    const leads = parseLeads(text, 'jsonl');
    expect(leads).toHaveLength(100_000);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe('parseLeadMapping', () => {
  it('fills in the defaults', () => {
    expect(parseLeadMapping('fields: { source: Lead Source }')).toEqual({
      fields: { source: 'Lead Source' },
      keepUnmapped: true,
      nullValues: [],
      constants: {},
      textFields: [],
    });
    expect(parseLeadMapping('').fields).toEqual({});
  });

  it('reads YAML nulls and numbers in null_values as the text they stand for', () => {
    expect(parseLeadMapping('null_values: [Select, "", ~, 0, NA]').nullValues).toEqual([
      'Select',
      '',
      '',
      '0',
      'NA',
    ]);
  });

  it('names unknown keys and lists the allowed ones', () => {
    expect(problems(() => parseLeadMapping('field: { source: x }'))).toEqual([
      'field: unknown key "field" (did you mean "fields"?); expected one of fields, keep_unmapped, null_values, constants, text_fields',
    ]);
  });

  it('rejects a field that is both mapped and constant, and values of the wrong type', () => {
    expect(
      problems(() => parseLeadMapping('fields: { language: Lang }\nconstants: { language: en }')),
    ).toEqual([
      'constants.language: "language" is also mapped in fields; a field is either read from a column or constant',
    ]);
    expect(problems(() => parseLeadMapping('keep_unmapped: sometimes'))).toEqual([
      'keep_unmapped: Invalid input: expected boolean, received string',
    ]);
  });
});

describe('leadTimestamp', () => {
  it('reads ISO-8601 with Z, with an offset, without one (as UTC), and a bare date', () => {
    expect(leadTimestamp({ created_at: '2026-11-02T09:15:00Z' })).toBe(
      Date.UTC(2026, 10, 2, 9, 15),
    );
    expect(leadTimestamp({ created_at: '2026-11-02T09:15:00.250+05:30' })).toBe(
      Date.UTC(2026, 10, 2, 3, 45, 0, 250),
    );
    expect(leadTimestamp({ created_at: '2026-11-02 09:15' })).toBe(Date.UTC(2026, 10, 2, 9, 15));
    expect(leadTimestamp({ created_at: '2026-11-02' })).toBe(Date.UTC(2026, 10, 2));
    expect(leadTimestamp({ created_at: '2026-W45-1' })).toBe(Date.UTC(2026, 10, 2));
  });

  it('reads epoch milliseconds as a number or as digits', () => {
    expect(leadTimestamp({ created_at: 1_793_000_000_000 })).toBe(1_793_000_000_000);
    expect(leadTimestamp({ created_at: '1793000000000' })).toBe(1_793_000_000_000);
  });

  it('is undefined for a missing or unreadable time, including impossible dates', () => {
    expect(leadTimestamp({})).toBeUndefined();
    expect(leadTimestamp({ created_at: 'yesterday' })).toBeUndefined();
    expect(leadTimestamp({ created_at: '2026-11-31T10:00:00Z' })).toBeUndefined();
    expect(leadTimestamp({ created_at: '2026-11-02T25:00:00Z' })).toBeUndefined();
  });
});
