import { describe, expect, it } from 'vitest';
import { compilePolicyOrThrow } from './compile.ts';

const policyWith = (assign: unknown, fallback: unknown[] = []) => ({
  default_queue: 'triage',
  queues: { triage: {} },
  pools: { emea: { strategy: 'round_robin', members: ['ana'] } },
  rules: [{ id: 'only', when: {}, assign, fallback }],
});

describe('compiled policy flags', () => {
  it('says whether a rule targets sticky routing, as primary target or fallback', () => {
    const compile = (assign: unknown, fallback?: unknown[]) =>
      compilePolicyOrThrow(policyWith(assign, fallback), { version: 'v' }).policy;
    expect(compile({ pool: 'emea' }).usesSticky).toBe(false);
    expect(compile('sticky', [{ pool: 'emea' }]).usesSticky).toBe(true);
    expect(compile({ pool: 'emea' }, ['sticky']).usesSticky).toBe(true);
    expect(compile('account_owner', [{ pool: 'emea' }]).usesSticky).toBe(false);
    expect(compile('account_owner', [{ pool: 'emea' }]).usesAccounts).toBe(true);
  });
});
