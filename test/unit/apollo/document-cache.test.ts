import { buildSchema, specifiedRules } from 'graphql';
import { DocumentCache } from '../../../src/apollo/query-fast-path';

const schema = buildSchema('type Query { a(s: String): Int }');
/** A valid query of about `chars` characters, different for each `n`. */
const query = (n: number, chars = 0) => `query Q${n} { a(s: "${'x'.repeat(chars)}") }`;

describe('the query fast path document cache', () => {
  it('keeps a document once: the same text gives the same parsed document', () => {
    const cache = new DocumentCache(undefined, [...specifiedRules]);
    const first = cache.get(schema, query(1));
    expect(first?.queries).toEqual(new Set(['Q1']));
    expect(cache.get(schema, query(1))).toBe(first);
    expect(cache.get(schema, '{ nope }')).toBeNull();
    expect(cache.held(schema).documents).toBe(2);
  });

  it('holds at most 1,000 documents, the oldest going first', () => {
    const cache = new DocumentCache(undefined, [...specifiedRules]);
    const first = cache.get(schema, query(0));
    for (let n = 1; n < 1500; n++) cache.get(schema, query(n));
    expect(cache.held(schema).documents).toBe(1000);
    expect(cache.get(schema, query(0))).not.toBe(first);
  });

  it('never keeps a document over 64 Ki characters, and keeps 4 Mi characters at most in all', () => {
    const cache = new DocumentCache(undefined, [...specifiedRules]);
    const big = query(1, 70 * 1024);
    expect(cache.get(schema, big)).not.toBeNull();
    expect(cache.held(schema)).toEqual({ documents: 0, chars: 0 });
    for (let n = 0; n < 200; n++) cache.get(schema, query(n, 60 * 1024));
    const held = cache.held(schema);
    expect(held.chars).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(held.chars).toBeGreaterThan(4 * 1024 * 1024 - 61 * 1024);
    expect(held.documents).toBe(Math.floor((4 * 1024 * 1024) / query(0, 60 * 1024).length));
  });
});
