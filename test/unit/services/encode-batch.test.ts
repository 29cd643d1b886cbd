import { GraphQLError } from 'graphql';
import { writeEncodeBatch } from '../../../src/services/encode/batch';
import type { EncodeWriteOutcome } from '../../../src/datasources/encode/models';

const created = (n: number): EncodeWriteOutcome => ({
  status: 201,
  record: { '@id': `/labs/l${n}/`, '@type': ['Lab', 'Item'], uuid: `u${n}`, aliases: [`a:${n}`] },
});

const items = [0, 1, 2, 3].map((n) => ({ record: { name: `l${n}` }, type: 'lab' }));

describe('writeEncodeBatch', () => {
  it('reports each record in input order and goes on after a rejected one', async () => {
    const result = await writeEncodeBatch(items, 'create', async (_item, i) =>
      i === 1
        ? {
            status: 422,
            error: {
              '@type': ['ValidationFailure', 'Error'],
              status: 'error',
              code: 422,
              title: 'Unprocessable Entity',
              description: 'Failed validation',
              errors: [{ location: 'body', name: [], description: "'title' is a required property" }],
            },
          }
        : created(i),
    );
    expect(result.entities.map((e) => [e.index, e.valid, e.action, e.id])).toEqual([
      [0, true, 'create', 'u0'],
      [1, false, null, null],
      [2, true, 'create', 'u2'],
      [3, true, 'create', 'u3'],
    ]);
    expect(result.entities[1].errors[0]).toMatchObject({ type: 'MISSING_PROPERTY', keys: ['title'] });
    expect(result).toMatchObject({ success: false, createdCount: 3, errorCount: 1, message: '3 record(s) created, 1 failed.' });
  });

  it('throws when the first write fails for a reason that would hit every record', async () => {
    const denied = new GraphQLError('forbidden', { extensions: { code: 'FORBIDDEN', upstreamStatus: 403 } });
    await expect(writeEncodeBatch(items, 'create', async () => Promise.reject(denied))).rejects.toBe(denied);
  });

  it('after some writes, stops and says which records were written and which were not sent', async () => {
    const down = new GraphQLError('unreachable', { extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
    let calls = 0;
    const result = await writeEncodeBatch(items, 'create', async (_i, n) => {
      calls++;
      if (n === 2) throw down;
      return created(n);
    });
    expect(calls).toBe(3);
    expect(result.entities.map((e) => [e.valid, e.errors[0]?.type ?? null])).toEqual([
      [true, null],
      [true, null],
      [false, 'UPSTREAM_UNAVAILABLE'],
      [false, 'NOT_ATTEMPTED'],
    ]);
    expect(result.createdCount).toBe(2);
  });
});
