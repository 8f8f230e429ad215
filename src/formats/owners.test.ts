import { describe, expect, it } from 'vitest';
import { ValidationError } from '../engine/issues.ts';
import { parseOwners, readOwners, writeOwner } from './owners.ts';

/** The issues of the ValidationError `fn` throws, as `path: message` lines. */
function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a ValidationError');
}

const berlinMidnight = (date: string) => Date.parse(`${date}T00:00:00+01:00`);

describe('parseOwners from YAML', () => {
  it('reads every documented key into the engine owner, camel-cased', () => {
    const [owner] = parseOwners(
      `
owners:
  - id: ana
    name: Ana Lima
    email: ana@example.com
    time_zone: Europe/Berlin
    paused: true
    paused_until: 2026-11-03T12:00
    team: emea
    manager: Cara
    working_hours:
      mon: ["09:00-17:00", "13:00-18:00"]
      tue: [["09:00", "17:00"]]
      wed: "9:00-12:00, 13:00-17:30"
      sat: []
      holidays: ["2026-12-25"]
    out_of_office:
      - { from: 2026-12-20, until: 2027-01-02T00:00, reason: winter break }
    caps: { max_open: 400, max_per_day: 60, max_per_week: 250 }
    skills: { languages: [EN, De], products: [GTX], segments: [smb] }
`,
      'yaml',
    );
    expect(owner).toEqual({
      id: 'ana',
      name: 'Ana Lima',
      email: 'ana@example.com',
      timeZone: 'Europe/Berlin',
      active: true,
      paused: true,
      pausedUntil: Date.parse('2026-11-03T12:00:00+01:00'),
      team: 'emea',
      manager: 'Cara',
      workingHours: {
        days: {
          mon: [
            ['09:00', '17:00'],
            ['13:00', '18:00'],
          ],
          tue: [['09:00', '17:00']],
          wed: [
            ['09:00', '12:00'],
            ['13:00', '17:30'],
          ],
        },
        holidays: ['2026-12-25'],
      },
      outOfOffice: [
        {
          from: berlinMidnight('2026-12-20'),
          until: berlinMidnight('2027-01-02'),
          reason: 'winter break',
        },
      ],
      caps: { maxOpen: 400, maxPerDay: 60, maxPerWeek: 250 },
      skills: { languages: ['en', 'de'], products: ['gtx'], segments: ['smb'] },
    });
  });

  it('accepts a bare list, defaults active to true and the name to the id', () => {
    expect(parseOwners('- { id: bo, time_zone: UTC }', 'yaml')).toEqual([
      { id: 'bo', name: 'bo', timeZone: 'UTC', active: true },
    ]);
  });

  it('reads an out-of-office time with an explicit offset as that instant, whatever the owner zone', () => {
    const [owner] = parseOwners(
      '- { id: bo, time_zone: Asia/Kolkata, out_of_office: [{ from: "2026-11-02T00:00:00Z", until: "2026-11-03T00:00:00Z" }] }',
      'yaml',
    );
    expect(owner?.outOfOffice).toEqual([
      { from: Date.parse('2026-11-02T00:00:00Z'), until: Date.parse('2026-11-03T00:00:00Z') },
    ]);
  });

  it('accepts overnight shifts, 24:00 as an end and compact text for working hours', () => {
    const [owner] = parseOwners(
      '- { id: bo, time_zone: Asia/Dubai, working_hours: "sun-thu 22:00-06:00; fri 00:00-24:00; holidays 2026-12-02, 2026-12-03" }',
      'yaml',
    );
    expect(owner?.workingHours).toEqual({
      days: {
        mon: [['22:00', '06:00']],
        tue: [['22:00', '06:00']],
        wed: [['22:00', '06:00']],
        thu: [['22:00', '06:00']],
        fri: [['00:00', '24:00']],
        sun: [['22:00', '06:00']],
      },
      holidays: ['2026-12-02', '2026-12-03'],
    });
  });

  it('reads the same owners from JSON', () => {
    const owners = parseOwners(
      JSON.stringify([
        { id: 'cy', time_zone: 'America/Chicago', active: false, caps: { max_open: 5 } },
      ]),
      'json',
    );
    expect(owners).toEqual([
      { id: 'cy', name: 'cy', timeZone: 'America/Chicago', active: false, caps: { maxOpen: 5 } },
    ]);
  });

  it('reads an empty document as no owners', () => {
    expect(parseOwners('', 'yaml')).toEqual([]);
    expect(parseOwners('owners: []', 'yaml')).toEqual([]);
  });

  it('names an unknown key, suggests the likely one and lists the allowed keys', () => {
    expect(
      problems(() => parseOwners('- { id: a, time_zone: UTC, tim_zone: UTC }', 'yaml')),
    ).toEqual([
      'owners[0].tim_zone: unknown key "tim_zone" (did you mean "time_zone"?); expected one of id, name, email, time_zone, active, paused, paused_until, team, manager, working_hours, out_of_office, caps, skills',
    ]);
  });

  it('lists the allowed keys of nested objects too', () => {
    expect(
      problems(() => parseOwners('- { id: a, time_zone: UTC, caps: { max_opn: 3 } }', 'yaml')),
    ).toEqual([
      'owners[0].caps.max_opn: unknown key "max_opn" (did you mean "max_open"?); expected one of max_open, max_per_day, max_per_week',
    ]);
  });

  it('reports every problem of every owner at once, with paths', () => {
    const issues = problems(() =>
      parseOwners(
        `
- id: a
  time_zone: Europe/Berln
  active: maybe
  email: not-an-email
  caps: { max_per_day: -1 }
  working_hours: { mon: ["25:00-26:00"], fri: "x" }
  skills: { languages: en }
- { id: "b c", time_zone: UTC, paused_until: next tuesday }
- { name: nameless, time_zone: UTC }
`,
        'yaml',
      ),
    );
    // In the order of the documented keys, which is the order of the schema.
    expect(issues).toEqual([
      'owners[0].email: "not-an-email" is not an email address',
      'owners[0].time_zone: unknown time zone "Europe/Berln" (did you mean "Europe/Berlin"?); expected an IANA name such as Europe/Berlin or America/New_York',
      'owners[0].active: expected yes or no (true, false, yes, no, 1 or 0); got "maybe"',
      'owners[0].working_hours.mon: invalid start "25:00"; expected a time from 00:00 to 23:59',
      'owners[0].working_hours.fri: invalid interval "x"; expected "HH:MM-HH:MM", e.g. "09:00-17:30"',
      'owners[0].caps.max_per_day: expected a whole number ≥ 0 (leave it out for no limit); got -1',
      'owners[1].id: invalid id "b c": must start with a letter or digit and use only letters, digits, _ . : @ - (at most 100)',
      'owners[1].paused_until: invalid time "next tuesday"; expected ISO-8601 such as 2026-12-20, 2026-12-20T09:00 or 2026-12-20T09:00:00+01:00',
      'owners[2].id: is required',
    ]);
  });

  it('rejects an out-of-office window that ends before it starts', () => {
    expect(
      problems(() =>
        parseOwners(
          '- { id: a, time_zone: UTC, out_of_office: [{ from: 2026-12-20, until: 2026-12-01 }] }',
          'yaml',
        ),
      ),
    ).toEqual(['owners[0].out_of_office[0].until: "2026-12-01" must be after from ("2026-12-20")']);
  });

  it('rejects an empty working-hours interval and 24:00 as a start', () => {
    expect(
      problems(() =>
        parseOwners(
          '- { id: a, time_zone: UTC, working_hours: { mon: ["09:00-09:00", "24:00-01:00"] } }',
          'yaml',
        ),
      ),
    ).toEqual([
      'owners[0].working_hours.mon: interval 1: empty interval "09:00-09:00"; for a whole day write 00:00-24:00',
    ]);
    expect(
      problems(() =>
        parseOwners('- { id: a, time_zone: UTC, working_hours: { mon: ["24:00-01:00"] } }', 'yaml'),
      ),
    ).toEqual([
      'owners[0].working_hours.mon: invalid start "24:00"; expected a time from 00:00 to 23:59',
    ]);
  });

  it('rejects a holiday that is not a real date', () => {
    expect(
      problems(() =>
        parseOwners(
          '- { id: a, time_zone: UTC, working_hours: { holidays: ["2026-02-30"] } }',
          'yaml',
        ),
      ),
    ).toEqual([
      'owners[0].working_hours.holidays: invalid date "2026-02-30"; expected a real date "YYYY-MM-DD"',
    ]);
  });

  it('reports a duplicate id with where it was first defined', () => {
    expect(
      problems(() =>
        parseOwners('- { id: a, time_zone: UTC }\n- { id: a, time_zone: UTC }', 'yaml'),
      ),
    ).toEqual(['owners[1].id: duplicate owner id "a"; first defined at owners[0].id']);
  });

  it('reports YAML syntax errors with their line', () => {
    const [issue] = problems(() => parseOwners('- { id: a, time_zone: UTC\n- b', 'yaml'));
    expect(issue).toMatch(/^: not valid YAML: .*line 2/);
  });

  it('rejects a document that is not a list of owners', () => {
    expect(problems(() => parseOwners('agents: []', 'yaml'))).toEqual([
      ': expected a list of owners, or an object with a single key "owners" holding that list',
    ]);
    expect(problems(() => parseOwners('{"owners": 3}', 'json'))).toEqual([
      'owners: must be a list of owners',
    ]);
  });
});

describe('parseOwners from CSV', () => {
  const header =
    'id,name,email,time_zone,active,team,manager,languages,products,segments,max_open,max_per_day,max_per_week,working_hours,out_of_office';

  it('reads every documented column, with lists, compact working hours and out-of-office windows', () => {
    const owners = parseOwners(
      `${header}
ana,Ana Lima,ana@example.com,Asia/Kolkata,yes,apac,Cara,en;HI,gtx;mg,smb,400,60,,"mon-fri 09:00-13:00, 14:00-17:30; sat 10:00-14:00",2026-12-20T00:00/2027-01-02T00:00 winter break;2027-02-01/2027-02-03
bo,,,UTC,0,,,,,,,,,,
`,
      'csv',
    );
    const fiveThirty = 5.5 * 3600_000;
    expect(owners).toEqual([
      {
        id: 'ana',
        name: 'Ana Lima',
        email: 'ana@example.com',
        timeZone: 'Asia/Kolkata',
        active: true,
        team: 'apac',
        manager: 'Cara',
        workingHours: {
          days: {
            mon: [
              ['09:00', '13:00'],
              ['14:00', '17:30'],
            ],
            tue: [
              ['09:00', '13:00'],
              ['14:00', '17:30'],
            ],
            wed: [
              ['09:00', '13:00'],
              ['14:00', '17:30'],
            ],
            thu: [
              ['09:00', '13:00'],
              ['14:00', '17:30'],
            ],
            fri: [
              ['09:00', '13:00'],
              ['14:00', '17:30'],
            ],
            sat: [['10:00', '14:00']],
          },
        },
        outOfOffice: [
          {
            from: Date.parse('2026-12-20T00:00:00Z') - fiveThirty,
            until: Date.parse('2027-01-02T00:00:00Z') - fiveThirty,
            reason: 'winter break',
          },
          {
            from: Date.parse('2027-02-01T00:00:00Z') - fiveThirty,
            until: Date.parse('2027-02-03T00:00:00Z') - fiveThirty,
          },
        ],
        caps: { maxOpen: 400, maxPerDay: 60 },
        skills: { languages: ['en', 'hi'], products: ['gtx', 'mg'], segments: ['smb'] },
      },
      { id: 'bo', name: 'bo', timeZone: 'UTC', active: false },
    ]);
  });

  it('names unknown columns and lists the allowed ones', () => {
    expect(problems(() => parseOwners('id,time_zone,langauges\na,UTC,en\n', 'csv'))).toEqual([
      'column langauges: unknown column "langauges" (did you mean "languages"?); expected one of id, name, email, time_zone, active, paused, paused_until, team, manager, languages, products, segments, max_open, max_per_day, max_per_week, working_hours, out_of_office',
    ]);
  });

  it('requires the id and time_zone columns', () => {
    expect(problems(() => parseOwners('name\nAna\n', 'csv'))).toEqual([
      'row 1: required column "id" is missing',
      'row 1: required column "time_zone" is missing',
    ]);
  });

  it('points at the row and column of each bad cell, counting the header as row 1', () => {
    expect(
      problems(() =>
        parseOwners(
          `id,time_zone,active,max_open,working_hours,out_of_office
a,UTC,yes,many,,
b,Mars/Base,perhaps,,xx 10:00-11:00,soon
c,UTC,,,,2026-12-20/2026-12-01
a,UTC,,,,
`,
          'csv',
        ),
      ),
    ).toEqual([
      'row 2, column max_open: expected a whole number ≥ 0 (leave it out for no limit); got "many"',
      'row 3, column time_zone: unknown time zone "Mars/Base"; expected an IANA name such as Europe/Berlin or America/New_York',
      'row 3, column active: expected yes or no (true, false, yes, no, 1 or 0); got "perhaps"',
      'row 3, column working_hours: in "xx 10:00-11:00": invalid days "xx"; expected names like mon, mon-fri, sun-thu, mon,wed or daily',
      'row 3, column out_of_office: window 1 "soon": expected FROM/UNTIL, e.g. 2026-12-20T00:00/2027-01-02T00:00',
      'row 4, column out_of_office: window 1 (until): "2026-12-01" must be after from ("2026-12-20")',
      'row 5, column id: duplicate owner id "a"; first defined at row 2, column id',
    ]);
  });

  it('reports a row with the wrong number of values instead of shifting its columns', () => {
    expect(problems(() => parseOwners('id,time_zone\na,UTC,extra\n', 'csv'))).toEqual([
      'row 2: has 3 values but the header has 2 columns',
    ]);
  });

  it('reports broken CSV quoting with its line', () => {
    const [issue] = problems(() => parseOwners('id,time_zone\n"a,UTC\n', 'csv'));
    expect(issue).toMatch(/not valid CSV/);
  });
});

describe('readOwners on parsed values', () => {
  const ana = {
    id: 'ana',
    time_zone: 'Europe/Berlin',
    working_hours: { mon: ['09:00-17:00'], holidays: ['2026-12-25'] },
    out_of_office: [{ from: '2026-12-20', until: '2027-01-02T00:00', reason: 'winter break' }],
    caps: { max_open: 40 },
    skills: { languages: ['EN', 'de'] },
  };

  it('reads values as parseOwners reads the same JSON text', () => {
    const values = [ana, { id: 'ben', time_zone: 'UTC', active: 'no' }];
    expect(readOwners(values)).toEqual(parseOwners(JSON.stringify({ owners: values }), 'json'));
  });

  it('words and locates problems as parseOwners does, under a root of the caller’s choosing', () => {
    const values = [{ id: 'ana', time_zone: 'Europe/Berln', cap: {} }, { id: 'ana' }];
    const fromText = problems(() => parseOwners(JSON.stringify(values), 'json'));
    expect(problems(() => readOwners(values))).toEqual(fromText);
    expect(fromText[0]).toMatch(/^owners\[0\]\.time_zone: unknown time zone/);
    expect(problems(() => readOwners([values[0]], { root: () => '' }))).toEqual(
      fromText.slice(0, 2).map((line) => line.replace(/^owners\[0\]\./, '')),
    );
  });

  it('reads back what writeOwner writes', () => {
    const [owner] = readOwners([ana]);
    const written = writeOwner(owner!);
    expect(written).toMatchObject({ id: 'ana', name: 'ana', active: true, paused: false });
    expect(written.out_of_office).toEqual([
      {
        from: '2026-12-19T23:00:00.000Z',
        until: '2027-01-01T23:00:00.000Z',
        reason: 'winter break',
      },
    ]);
    expect(readOwners([written])).toEqual([{ ...owner, paused: false }]);
  });
});
