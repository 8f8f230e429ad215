import { describe, expect, it } from 'vitest';
import { diffPolicies } from './policy-diff.ts';

const rule = (id: string, owner = 'ana') => ({ id, assign: { owner } });

describe('diffPolicies', () => {
  it('finds nothing between equal documents', () => {
    const doc = { default_queue: 'triage', rules: [rule('a'), rule('b')] };
    expect(diffPolicies(doc, structuredClone(doc))).toEqual([]);
  });

  it('reports an inserted rule once, not a change to every rule after it', () => {
    const before = { rules: [rule('a'), rule('b')] };
    const after = { rules: [rule('new'), rule('a'), rule('b')] };
    expect(diffPolicies(before, after)).toEqual([
      { path: 'rules[id=new]', change: 'added', after: { ...rule('new'), position: 0 } },
    ]);
  });

  it('reports rules that swapped places as moves, and changes inside them by id', () => {
    const before = { rules: [rule('a'), rule('b')] };
    const after = { rules: [rule('b', 'ben'), rule('a')] };
    expect(diffPolicies(before, after)).toEqual([
      { path: 'rules[id=b]', change: 'moved', before: 1, after: 0 },
      { path: 'rules[id=b].assign.owner', change: 'changed', before: 'ana', after: 'ben' },
      { path: 'rules[id=a]', change: 'moved', before: 0, after: 1 },
    ]);
  });

  it('compares lists without ids by position, and names odd keys in quotes', () => {
    const before = { pools: { 'emea west': { members: ['ana', 'ben', 'cai'] } }, old: 1 };
    const after = { pools: { 'emea west': { members: ['ana', 'cai'] } }, added: true };
    expect(diffPolicies(before, after)).toEqual([
      {
        path: 'pools."emea west".members[1]',
        change: 'changed',
        before: 'ben',
        after: 'cai',
      },
      { path: 'pools."emea west".members[2]', change: 'removed', before: 'cai' },
      { path: 'old', change: 'removed', before: 1 },
      { path: 'added', change: 'added', after: true },
    ]);
  });

  it('reports a whole document of another kind as one change', () => {
    expect(diffPolicies({ rules: [] }, 'text')).toEqual([
      { path: '(document)', change: 'changed', before: { rules: [] }, after: 'text' },
    ]);
  });
});
