import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { handleError, loggable } from './errors.ts';
import { unstorablePaths } from './storable.ts';

describe('unstorablePaths', () => {
  it('finds U+0000 and unpaired surrogates in values and keys, by path', () => {
    const body = {
      ok: 'plain text, ünïcödé and 😀',
      note: 'a\u0000b',
      nested: { list: ['fine', '\ud800', 'x\udc00'], 'bad\u0000key': 1 },
      pair: '\ud83d\ude00',
    };
    expect(unstorablePaths(body).sort()).toEqual([
      'nested.bad\\u0000key',
      'nested.list[1]',
      'nested.list[2]',
      'note',
    ]);
    expect(unstorablePaths({ id: 'a\u0000' }, 'params')).toEqual(['params.id']);
    expect(unstorablePaths('yaml text\u0000')).toEqual(['(body)']);
    expect(unstorablePaths({ ok: ['x', { y: 1, z: null, w: true }] })).toEqual([]);
    expect(unstorablePaths(undefined)).toEqual([]);
  });

  it('stops at the limit and survives deep nesting', () => {
    expect(
      unstorablePaths(
        Array.from({ length: 50 }, () => '\u0000'),
        '',
        5,
      ),
    ).toHaveLength(5);
    let deep: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorablePaths(deep)).toHaveLength(1);
  });
});

describe('errors on the wire and in the log', () => {
  it('answers a database data exception (SQLSTATE class 22) with 400, not 500', async () => {
    const app = Fastify();
    app.setErrorHandler(handleError);
    app.get('/x', async () => {
      throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
        code: '22021',
      });
    });
    const res = await app.inject({ method: 'GET', url: '/x' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('cannot be stored'),
    });
    await app.close();
  });

  it("keeps a database error's row data (detail, where) out of the log", () => {
    const error = Object.assign(new Error('unsupported Unicode escape sequence'), {
      code: '22P05',
      detail: '\\u0000 cannot be converted to text.',
      where: 'JSON data, line 1: {"email":"pat@example.org","note":"a\\u0000',
    });
    const logged = JSON.stringify(loggable(error));
    expect(logged).toContain('unsupported Unicode escape sequence');
    expect(logged).toContain('22P05');
    expect(logged).not.toContain('pat@example.org');
    expect(logged).not.toContain('cannot be converted');
  });
});
