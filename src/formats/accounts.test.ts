import { describe, expect, it } from 'vitest';
import { ValidationError } from '../engine/issues.ts';
import { parseAccounts, readAccounts, writeAccount } from './accounts.ts';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('parseAccounts from CSV', () => {
  it('reads the known columns and keeps every other column as an attribute, numbers as numbers', () => {
    const accounts = parseAccounts(
      `id,name,domains,owner,tier,strategic,sector,revenue,employees,office_location,zip
acme,Acme Corporation,acme.com; ACME.co.uk,darcel-schlecht,strategic,yes,technolgy,1100.04,2822,United States,02134
`,
      'csv',
    );
    expect(accounts).toEqual([
      {
        id: 'acme',
        name: 'Acme Corporation',
        domains: ['acme.com', 'acme.co.uk'],
        ownerId: 'darcel-schlecht',
        tier: 'strategic',
        strategic: true,
        attributes: {
          sector: 'technolgy',
          revenue: 1100.04,
          employees: 2822,
          office_location: 'United States',
          zip: '02134',
        },
      },
    ]);
  });

  it('derives the id from the name when there is no id, and leaves empty cells out', () => {
    const accounts = parseAccounts(
      'name,domains,strategic,sector\nGekko & Co,,no,\nMüller GmbH,mueller.de,0,retail\n',
      'csv',
    );
    expect(accounts).toEqual([
      { id: 'gekko-co', name: 'Gekko & Co', strategic: false },
      {
        id: 'muller-gmbh',
        name: 'Müller GmbH',
        domains: ['mueller.de'],
        strategic: false,
        attributes: { sector: 'retail' },
      },
    ]);
  });

  it('reads true/false/yes/no/1/0 as the strategic flag, in any case', () => {
    const flags = parseAccounts(
      'name,strategic\na,TRUE\nb,False\nc,Yes\nd,no\ne,1\nf,0\n',
      'csv',
    ).map((a) => a.strategic);
    expect(flags).toEqual([true, false, true, false, true, false]);
  });

  it('accepts a domain column as a spelling of domains', () => {
    expect(parseAccounts('name,domain\nAcme,@acme.com\n', 'csv')).toEqual([
      { id: 'acme', name: 'Acme', domains: ['acme.com'] },
    ]);
  });

  it('reports a bad flag, a bad domain and a nameless row with their row and column', () => {
    expect(
      problems(() => parseAccounts('id,name,domains,strategic\n,,,\nb,B,b dot com,maybe\n', 'csv')),
    ).toEqual([
      'row 2: an account needs a name or an id',
      'row 3, column domains: "b dot com" is not a domain name such as acme.com',
      'row 3, column strategic: expected yes or no (true, false, yes, no, 1 or 0); got "maybe"',
    ]);
  });

  it('reports duplicate ids, saying when the id was derived from the name', () => {
    expect(problems(() => parseAccounts('id,name\nacme,Acme\nacme,Acme Two\n', 'csv'))).toEqual([
      'row 3, column id: duplicate account id "acme"; first defined at row 2, column id',
    ]);
    expect(problems(() => parseAccounts('name\nAcme Inc\nACME inc.\n', 'csv'))).toEqual([
      'row 3, column name: duplicate account id "acme-inc" (derived from the name "ACME inc."; give it an id); first defined at row 2, column name',
    ]);
  });
});

describe('parseAccounts from YAML and JSON', () => {
  it('reads a list with domains as a list or text, attributes nested or top-level', () => {
    const accounts = parseAccounts(
      `
accounts:
  - name: Initech
    domains: [initech.com]
    owner: vicki-laflamme
    strategic: true
    attributes: { sector: telecommunications, employees: 20275 }
    region_code: "007"
  - { id: hooli, name: Hooli, domains: "hooli.com; hooli.xyz", tier: enterprise }
`,
      'yaml',
    );
    expect(accounts).toEqual([
      {
        id: 'initech',
        name: 'Initech',
        domains: ['initech.com'],
        ownerId: 'vicki-laflamme',
        strategic: true,
        attributes: { sector: 'telecommunications', employees: 20275, region_code: '007' },
      },
      { id: 'hooli', name: 'Hooli', domains: ['hooli.com', 'hooli.xyz'], tier: 'enterprise' },
    ]);
  });

  it('reads JSON the same way', () => {
    expect(parseAccounts('[{"id": 42, "name": "Answer Ltd"}]', 'json')).toEqual([
      { id: '42', name: 'Answer Ltd' },
    ]);
  });

  it('rejects nested attribute values and records that are not objects', () => {
    expect(
      problems(() =>
        parseAccounts('- { name: A, address: { city: Paris } }\n- just a name', 'yaml'),
      ),
    ).toEqual([
      'accounts[0].address: an attribute must be text, a number, true/false or a list of texts',
      'accounts[1]: expected an object with id, name, domains, owner, tier, strategic, attributes',
    ]);
  });

  it('reports invalid JSON', () => {
    expect(problems(() => parseAccounts('[{"name": }]', 'json'))[0]).toMatch(/^: not valid JSON/);
  });
});

describe('readAccounts on parsed values', () => {
  const values = [
    { name: 'Gekko & Co', domains: 'gekko.com; @gekko.de', strategic: 'yes', employees: 40 },
    { id: 'acme', name: 'Acme', owner: 'ana', attributes: { sector: 'tech' } },
  ];

  it('reads values as parseAccounts reads the same JSON text', () => {
    expect(readAccounts(values)).toEqual(
      parseAccounts(JSON.stringify({ accounts: values }), 'json'),
    );
  });

  it('words and locates problems as parseAccounts does, under a root of the caller’s choosing', () => {
    const bad = [{ id: 'x', strategic: 'maybe', attributes: { deep: { a: 1 } } }, 'acme'];
    const fromText = problems(() => parseAccounts(JSON.stringify(bad), 'json'));
    expect(problems(() => readAccounts(bad))).toEqual(fromText);
    expect(fromText).toHaveLength(3);
    expect(problems(() => readAccounts([bad[0]], { root: () => '' }))).toEqual([
      'strategic: expected yes or no (true, false, yes, no, 1 or 0); got "maybe"',
      'attributes.deep: an attribute must be text, a number, true/false or a list of texts',
    ]);
  });

  it('reads back what writeAccount writes', () => {
    const accounts = readAccounts(values);
    // Written out, `strategic` is always there (false when unset).
    expect(readAccounts(accounts.map(writeAccount))).toEqual(
      accounts.map((a) => ({ ...a, strategic: a.strategic ?? false })),
    );
  });
});
