import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'leadrouter-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the `leadrouter` command; resolves with its output and exit code, never throws. */
async function leadrouter(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/leadrouter.js', ...args], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const demo = [
  '--policy',
  'examples/policy.yaml',
  '--owners',
  'examples/owners.yaml',
  '--accounts',
  'examples/accounts.csv',
];

describe('leadrouter route', () => {
  it('routes a lead of a known account to its owner and explains why, as JSON', async () => {
    const lead = join(dir, 'lead.json');
    writeFileSync(
      lead,
      JSON.stringify({ email: 'dana@acmecorporation.com', country: 'USA', state: 'California' }),
    );
    const { code, stdout } = await leadrouter(
      'route',
      ...demo,
      '--lead',
      lead,
      '--now',
      '2026-11-24T16:00:00Z',
      '--json',
    );
    expect(code).toBe(0);
    const decision = JSON.parse(stdout);
    expect(decision).toMatchObject({
      outcome: 'assigned',
      ownerId: 'daniell-hammack',
      ruleId: 'known-account',
      accountId: 'acme-corporation',
    });
    expect(decision.explanation.account).toMatchObject({ method: 'email_domain', score: 1 });
    expect(decision.explanation.derived).toMatchObject({ country: 'US', state: 'US-CA' });
  });

  it('names the file and the problem when an input is missing or malformed', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"email": ');
    const missing = await leadrouter('route', ...demo, '--lead', join(dir, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.json: error: no such file');
    const malformed = await leadrouter('route', ...demo, '--lead', bad);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/bad\.json: error: not valid JSON/);
  });

  it('exits 2 on a usage error', async () => {
    const { code, stderr } = await leadrouter('route', '--policy', 'examples/policy.yaml');
    expect(code).toBe(2);
    expect(stderr).toContain("required option '--owners <file>'");
  });
});

describe('leadrouter simulate', () => {
  it('routes the 9,240 demo leads statefully and writes every decision', async () => {
    const out = join(dir, 'decisions.jsonl');
    const { code, stdout } = await leadrouter(
      'simulate',
      ...demo,
      '--leads',
      'examples/leads.csv',
      '--map',
      'examples/leads-mapping.yaml',
      '--out',
      out,
      '--json',
    );
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.count).toBe(9240);
    expect(
      summary.byOutcome.assigned + summary.byOutcome.queued + summary.byOutcome.unroutable,
    ).toBe(9240);
    expect(summary.byOutcome.unroutable).toBe(0);
    expect(summary.distribution.gini).toBeGreaterThan(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(9240);
    expect(JSON.parse(lines[0]!)).toHaveProperty('outcome');
  });
});

describe('leadrouter simulate with a close model', () => {
  it('closes the demo leads as the model says, names it, and balances the weekly fair_share pool', async () => {
    const { code, stdout } = await leadrouter(
      'simulate',
      ...demo,
      '--leads',
      'examples/leads.csv',
      '--map',
      'examples/leads-mapping.yaml',
      '--close-model',
      'converted:0.35@2d,disqualified:0.55@4d',
      '--json',
    );
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.closing.model).toBe(
      '35% converted after 2d, 55% disqualified after 4d, 10% stay open, seed 1',
    );
    expect(summary.closing.closed).toBeGreaterThan(0);
    // Eleven leads over four weeks to eight members: everyone gets one or two.
    expect(summary.pools.central).toMatchObject({ total: 11, min: 1, max: 2 });
    const gtx = summary.pools.gtx.entitlement;
    expect(gtx.members).toHaveLength(summary.pools.gtx.owners);
    expect(gtx.largestDeviation).toBeLessThan(0.01);
  });

  it('rejects a malformed close model, naming the flag and what is allowed, and routes nothing', async () => {
    const { code, stdout, stderr } = await leadrouter(
      'simulate',
      ...demo,
      '--leads',
      'examples/leads.csv',
      '--close-model',
      'won:0.3@2d',
    );
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      '--close-model: "won" is not a closing status: use converted, disqualified, closed',
    );
  });
});

describe('leadrouter policy', () => {
  it('validates the demo policy against the demo owners without errors', async () => {
    const { code, stdout } = await leadrouter(
      'policy',
      'validate',
      'examples/policy.yaml',
      '--owners',
      'examples/owners.yaml',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('0 error(s)');
  });

  it('prints every error with its path and exits 1', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'rules:\n  - id: a\n    when: { country: { inn: [US] } }\n    assign: { pool: nope }\n',
    );
    const { code, stdout } = await leadrouter('policy', 'validate', file);
    expect(code).toBe(1);
    expect(stdout).toContain(
      'error: rules[0].when.country: unknown operator "inn"; expected one of eq, ne, in',
    );
    expect(stdout).toContain('error: rules[0].assign.pool: unknown pool "nope"');
    expect(stdout).toContain('warning: default_queue');
  });

  it('prints a JSON Schema whose rule conditions use the condition grammar', async () => {
    const { code, stdout } = await leadrouter('policy', 'schema');
    expect(code).toBe(0);
    const schema = JSON.parse(stdout);
    expect(schema.properties.rules.items.properties.when.$ref).toBe('#/$defs/condition');
    expect(schema.$defs.condition).toBeDefined();
  });
});
