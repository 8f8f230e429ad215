import { describe, expect, it } from 'vitest';
import { hashRequest } from './request-hash.ts';

describe('hashRequest', () => {
  const body = {
    name: 'Ana Lima',
    email: 'ana@acme.com',
    score: 42.5,
    tags: ['b', 'a', null],
    nested: { z: true, a: 'ü', skip: undefined },
    external_id: 'x-1',
    ключ: 1,
  };

  it('is the same whatever the order of keys, and ignores absent values', () => {
    const reordered = {
      ключ: 1,
      external_id: 'x-1',
      nested: { a: 'ü', z: true },
      tags: ['b', 'a', null],
      score: 42.5,
      email: 'ana@acme.com',
      name: 'Ana Lima',
    };
    expect(hashRequest(reordered)).toBe(hashRequest(body));
  });

  it('changes with any value, and with the order of list items', () => {
    expect(hashRequest({ ...body, score: 42 })).not.toBe(hashRequest(body));
    expect(hashRequest({ ...body, tags: ['a', 'b', null] })).not.toBe(hashRequest(body));
  });

  it('stays the hash stored by earlier versions (keys already claimed must still compare equal)', () => {
    expect(hashRequest(body)).toBe('EPh-hCsnaHSdwR_BJbYAQAE6sLq5w7d5OBXpN_1d98s');
  });
});
