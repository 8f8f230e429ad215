import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../compile.ts';
import { policyJsonSchema } from '../json-schema.ts';
import { routeLead } from '../route.ts';
import type { Owner } from '../types.ts';
import { planBreach, planClock, slaDeadline, slaElapsed } from './deadlines.ts';
import { parseSlaDuration } from './durations.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function at(zone: string, local: string): number {
  return DateTime.fromISO(local, { zone }).toMillis();
}
function wall(zone: string, instant: number): string {
  return DateTime.fromMillis(instant, { zone }).toFormat("yyyy-MM-dd'T'HH:mm ccc");
}

const base = {
  default_queue: 'triage',
  queues: { triage: {}, managers: {} },
  pools: { sales: { strategy: 'round_robin', members: ['ana', 'ben'] } },
  rules: [{ id: 'all', assign: { pool: 'sales' } }],
};

function compile(extra: Record<string, unknown>) {
  return compilePolicy({ ...base, ...extra }, { version: 'v1' });
}
function errors(extra: Record<string, unknown>): string[] {
  return compile(extra)
    .issues.filter((i) => i.severity === 'error')
    .map((i) => `${i.path}: ${i.message}`);
}

const officeHours = {
  mon: [['09:00', '17:00']],
  tue: [['09:00', '17:00']],
  wed: [['09:00', '17:00']],
  thu: [['09:00', '17:00']],
  fri: [['09:00', '17:00']],
} as const;
function owner(timeZone: string, extra: Partial<Owner> = {}): Owner {
  return {
    id: 'ana',
    name: 'Ana',
    timeZone,
    active: true,
    workingHours: { days: officeHours },
    ...extra,
  };
}

describe('SLA policy keys', () => {
  it('reads durations in hours, minutes and seconds', () => {
    expect(parseSlaDuration('30m')?.ms).toBe(30 * MINUTE);
    expect(parseSlaDuration('2h')?.ms).toBe(2 * HOUR);
    expect(parseSlaDuration('1h30m')?.ms).toBe(90 * MINUTE);
    expect(parseSlaDuration('45s')).toEqual({ ms: 45_000, usesSeconds: true });
    expect(parseSlaDuration('soon')).toBeUndefined();
    expect(parseSlaDuration('0m')).toBeUndefined();
  });

  it('names the path of a duration that is not one', () => {
    expect(errors({ slas: { standard: { first_response_within: 'soon' } } })).toContain(
      'slas.standard.first_response_within: expected a duration like 30m or 2h',
    );
  });

  it('allows seconds on the wall clock only', () => {
    expect(errors({ slas: { demo: { first_response_within: '45s', clock: 'wall' } } })).toEqual([]);
    expect(errors({ slas: { demo: { first_response_within: '45s' } } })).toEqual([
      expect.stringMatching(
        /^slas\.demo\.first_response_within: seconds are for the wall clock only/,
      ),
    ]);
  });

  it('rejects an SLA without any deadline, an unknown calendar, SLA or queue, and a step with two actions', () => {
    const found = errors({
      slas: {
        empty: { clock: 'wall' },
        eu: {
          first_response_within: '1h',
          clock: { calendar: 'nowhere' },
          on_breach: [{ queue: 'nope' }, { reassign: true, notify: true }, 'explode'],
        },
      },
      default_sla: 'gold',
      rules: [{ id: 'all', assign: { pool: 'sales' }, sla: 'silver' }],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^slas\.eu\.on_breach\[2\]: unknown step "explode"/),
      ]),
    );
    const semantic = errors({
      slas: {
        empty: { clock: 'wall' },
        eu: {
          first_response_within: '1h',
          clock: { calendar: 'nowhere' },
          on_breach: [{ queue: 'nope' }, { reassign: true, notify: true }],
        },
      },
      default_sla: 'gold',
      rules: [{ id: 'all', assign: { pool: 'sales' }, sla: 'silver' }],
    });
    expect(semantic).toEqual(
      expect.arrayContaining([
        'slas.empty: an SLA needs `assign_within`, `first_response_within` or both',
        expect.stringMatching(/^slas\.eu\.clock\.calendar: unknown calendar "nowhere"/),
        expect.stringMatching(/^slas\.eu\.on_breach\[0\]\.queue: unknown queue "nope"/),
        expect.stringMatching(/^slas\.eu\.on_breach\[1\]: a step takes exactly one action/),
        expect.stringMatching(/^rules\[0\]\.sla: unknown SLA "silver"/),
        expect.stringMatching(/^default_sla: unknown SLA "gold"/),
      ]),
    );
  });

  it('names the path of a calendar whose zone or hours are wrong', () => {
    expect(
      errors({
        calendars: { eu: { time_zone: 'Mars/Olympus', hours: 'mon-fri 9-5' } },
        slas: { eu: { first_response_within: '1h', clock: { calendar: 'eu' } } },
      }),
    ).toEqual([
      expect.stringMatching(/^calendars\.eu\.time_zone: unknown time zone "Mars\/Olympus"/),
      expect.stringMatching(/^calendars\.eu\.hours: cannot read "9-5"/),
    ]);
  });

  it('compiles nothing for a policy without SLAs, so nothing is ever scheduled', () => {
    expect(compile({}).policy?.slas).toBeUndefined();
  });

  it("chooses the rule's SLA, else the pool's, else the first matching sla_rules entry, else default_sla", () => {
    const slas = {
      rule: { first_response_within: '1h' },
      pool: { first_response_within: '2h' },
      german: { first_response_within: '3h' },
      fallback: { first_response_within: '4h' },
    };
    const route = (extra: Record<string, unknown>, lead: Record<string, string> = {}) => {
      const { policy } = compile({ slas, ...extra });
      const owners = new Map([
        ['ana', owner('UTC', { workingHours: undefined })],
        ['ben', { ...owner('UTC', { workingHours: undefined }), id: 'ben' }],
      ]);
      return routeLead(policy!, lead, {
        directory: { owners },
        state: { pools: new Map(), owners: new Map() },
        now: Date.UTC(2026, 2, 4, 12),
      } as never).decision.slaId;
    };
    const sla_rules = [{ when: { country: 'DE' }, sla: 'german' }];
    const pools = { sales: { ...base.pools.sales, sla: 'pool' } };
    expect(
      route({
        rules: [{ id: 'all', assign: { pool: 'sales' }, sla: 'rule' }],
        pools,
        sla_rules,
        default_sla: 'fallback',
      }),
    ).toBe('rule');
    expect(route({ pools, sla_rules, default_sla: 'fallback' }, { country: 'Germany' })).toBe(
      'pool',
    );
    expect(route({ sla_rules, default_sla: 'fallback' }, { country: 'Germany' })).toBe('german');
    expect(route({ sla_rules, default_sla: 'fallback' }, { country: 'France' })).toBe('fallback');
    expect(route({ sla_rules }, { country: 'France' })).toBeUndefined();
  });

  it('puts the new keys in the JSON Schema, with the condition grammar for sla_rules', () => {
    const schema = policyJsonSchema() as {
      properties: Record<string, { items?: { properties: Record<string, unknown> } }>;
    };
    for (const key of ['slas', 'calendars', 'sla_rules', 'default_sla'])
      expect(schema.properties).toHaveProperty(key);
    expect(schema.properties.sla_rules!.items!.properties.when).toEqual(
      expect.objectContaining({ $ref: '#/$defs/condition' }),
    );
  });
});

describe('SLA deadlines', () => {
  const slaOf = (doc: Record<string, unknown>, calendars: Record<string, unknown> = {}) =>
    compile({ slas: { s: doc }, calendars }).policy!.slas!.slas.get('s')!;

  it("makes Friday 16:30 + 1 h of business time Monday 09:30 in the owner's zone", () => {
    const sla = slaOf({ first_response_within: '1h' });
    const friday = at('Europe/Berlin', '2026-03-06T16:30');
    const [breach] = planClock(sla, 'first_response', owner('Europe/Berlin'), friday);
    expect(wall('Europe/Berlin', breach!.dueAt)).toBe('2026-03-09T09:30 Mon');
  });

  it('counts every minute on the wall clock, whatever the owner’s hours', () => {
    const sla = slaOf({ first_response_within: '1h', clock: 'wall' });
    const friday = at('Europe/Berlin', '2026-03-06T16:30');
    expect(
      wall(
        'Europe/Berlin',
        planClock(sla, 'first_response', owner('Europe/Berlin'), friday)[0]!.dueAt,
      ),
    ).toBe('2026-03-06T17:30 Fri');
  });

  it("skips a named calendar's holidays, in the calendar's zone rather than the owner's", () => {
    const sla = slaOf(
      { first_response_within: '2h', clock: { calendar: 'ny' } },
      {
        ny: {
          time_zone: 'America/New_York',
          hours: 'mon-fri 09:00-17:00; holidays 2026-11-26',
          holidays: ['2026-11-27'],
        },
      },
    );
    const wednesday = at('America/New_York', '2026-11-25T16:00');
    const due = planClock(sla, 'first_response', owner('Asia/Tokyo'), wednesday)[0]!.dueAt;
    expect(wall('America/New_York', due)).toBe('2026-11-30T10:00 Mon');
  });

  it('pauses during an out-of-office window in the middle of a deadline', () => {
    const sla = slaOf({ first_response_within: '4h' });
    const tuesday = at('Europe/Paris', '2026-05-05T10:00');
    const away = {
      from: at('Europe/Paris', '2026-05-05T12:00'),
      until: at('Europe/Paris', '2026-05-06T12:00'),
    };
    const due = planClock(
      sla,
      'first_response',
      owner('Europe/Paris', { outOfOffice: [away] }),
      tuesday,
    )[0]!.dueAt;
    // 10:00–12:00 (2 h), away until Wednesday 12:00, then 12:00–14:00 (2 h).
    expect(wall('Europe/Paris', due)).toBe('2026-05-06T14:00 Wed');
    expect(
      slaElapsed(sla.clock, owner('Europe/Paris', { outOfOffice: [away] }), tuesday, due),
    ).toBe(4 * HOUR);
  });

  it.each([
    ['Europe/Berlin', '2026-03-27', '2026-03-30'],
    ['America/New_York', '2026-03-06', '2026-03-09'],
    ['America/Sao_Paulo', '2026-02-13', '2026-02-16'],
    ['Australia/Sydney', '2026-04-03', '2026-04-06'],
    ['Europe/London', '2026-10-23', '2026-10-26'],
  ])(
    'keeps Friday 16:30 + 1 h at Monday 09:30 across the clock change weekend in %s',
    (zone, friday, monday) => {
      const sla = slaOf({ first_response_within: '1h' });
      const start = at(zone, `${friday}T16:30`);
      const due = slaDeadline(sla.clock, owner(zone), start, HOUR);
      expect(wall(zone, due)).toBe(`${monday}T09:30 Mon`);
    },
  );

  it('warns at the given share of the clock time, counted on the same clock', () => {
    const sla = slaOf({ first_response_within: '4h', warn_at: '75%' });
    const start = at('Europe/Berlin', '2026-03-06T15:00');
    const [warning, breach] = planClock(sla, 'first_response', owner('Europe/Berlin'), start);
    expect(warning!.kind).toBe('warning');
    expect(wall('Europe/Berlin', warning!.dueAt)).toBe('2026-03-09T10:00 Mon');
    expect(wall('Europe/Berlin', breach!.dueAt)).toBe('2026-03-09T11:00 Mon');
  });

  it('plans nothing for a clock the SLA does not time', () => {
    const sla = slaOf({ first_response_within: '1h' });
    expect(planClock(sla, 'assign', undefined, 0)).toEqual([]);
  });

  it('walks the ladder: each step with then_within sets the next deadline, the last one ends it', () => {
    const sla = slaOf({
      first_response_within: '30m',
      clock: 'wall',
      on_breach: [
        { reassign: true, then_within: '15m' },
        { queue: 'managers', then_within: '1h' },
        'notify',
      ],
    });
    const t = Date.UTC(2026, 0, 5, 10);
    const first = planBreach(sla, 'first_response', 0, t, undefined);
    expect(first.step!.action).toEqual({ kind: 'reassign' });
    expect(first.next).toMatchObject({ step: 1, dueAt: t + 15 * MINUTE });
    expect(planBreach(sla, 'first_response', 1, t, undefined).step!.action).toEqual({
      kind: 'queue',
      queueId: 'managers',
    });
    const last = planBreach(sla, 'first_response', 2, t, undefined);
    expect(last.step!.action).toEqual({ kind: 'notify' });
    expect(last.next).toBeUndefined();
    expect(planBreach(sla, 'first_response', 3, t, undefined)).toEqual({});
  });
});
