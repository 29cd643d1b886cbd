import { type DocumentNode, parse } from 'graphql';
import { documentLimitError, documentLimitErrors, queryRefusal, queryRefusals } from '../../../src/apollo/document-limits';
import { DEFAULT_LIMITS, type QueryLimits } from '../../../src/config';
import { turnsDuring } from '../../support/turns';

// Wide enough that only the two limits under test can refuse these documents.
const limits: QueryLimits = { ...DEFAULT_LIMITS, sameNameFields: 5, fragmentSpreads: 3, aliases: 1_000, rootFields: 1_000 };
const refusal = (query: string, l: QueryLimits = limits) => documentLimitError(parse(query), l);
const repeat = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');

describe('MAX_SAME_NAME_FIELDS', () => {
  it('counts fields under one response key in one set, refusing one beyond the limit', () => {
    expect(refusal(`{ encode { ${repeat(5, (i) => `c(first: ${i}) { n }`)} } }`)).toBeNull();
    const error = refusal(`{ encode { ${repeat(6, (i) => `c(first: ${i}) { n }`)} } }`);
    expect(error?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_SAME_NAME_FIELDS', max: 5 });
    expect(error?.message).toBe('A selection set has 6 fields answering as "c" (fragments merged in), more than allowed (MAX_SAME_NAME_FIELDS=5)');
  });

  it('counts by response key: an alias answers under its own name', () => {
    expect(refusal(`{ ${repeat(6, (i) => `a${i}: c`)} }`)).toBeNull();
    expect(refusal(`{ ${repeat(6, () => 'x: c')} }`)?.extensions.limit).toBe('MAX_SAME_NAME_FIELDS');
  });

  it('merges inline fragments, nested ones too, into their set', () => {
    expect(refusal('{ e { id ... on E { id ... on E { id id } } id } }')).toBeNull();
    expect(refusal('{ e { id ... on E { id ... on E { id id } } id id } }')?.message).toMatch(/6 fields answering as "id"/);
  });

  it('merges fragment spreads, through other fragments, each fragment once per set', () => {
    const fragments = 'fragment A on E { id id ...B } fragment B on E { id id }';
    // A brings 4 ids (its 2 and B's 2); spreading A twice counts it once.
    expect(refusal(`{ e { ...A ...A id } } ${fragments}`)).toBeNull();
    expect(refusal(`{ e { ...A id id } } ${fragments}`)?.message).toMatch(/6 fields answering as "id"/);
  });

  it('counts every set on its own: the same key in sibling and nested sets does not add up', () => {
    expect(refusal(`{ a { ${repeat(5, () => 'id')} } b { ${repeat(5, () => 'id')} x { ${repeat(5, () => 'id')} } } }`)).toBeNull();
    expect(refusal(`{ a { b { c { ${repeat(6, () => 'id')} } } } }`)?.extensions.limit).toBe('MAX_SAME_NAME_FIELDS');
  });

  it('counts inside a fragment definition even when the fragment is spread once', () => {
    expect(refusal(`{ e { ...F } } fragment F on E { x { ${repeat(6, () => 'id')} } }`)?.extensions.limit).toBe('MAX_SAME_NAME_FIELDS');
  });

  it('ignores fragment cycles and unknown fragments (other rules refuse those)', () => {
    expect(refusal('{ e { ...A ...Missing } } fragment A on E { id ...B } fragment B on E { id ...A }')).toBeNull();
    expect(refusal(`{ e { ...A } } fragment A on E { ${repeat(3, () => 'id')} ...B } fragment B on E { ${repeat(3, () => 'id')} ...A }`)?.extensions.limit).toBe('MAX_SAME_NAME_FIELDS');
  });
});

describe('MAX_FRAGMENT_SPREADS', () => {
  const defs = (n: number) => repeat(n, (i) => `fragment F${i} on E { f${i} }`);

  it('counts distinct fragments spread in one set, its inline fragments included', () => {
    expect(refusal(`{ e { ...F0 ...F1 ...F2 ...F0 } } ${defs(3)}`)).toBeNull();
    const error = refusal(`{ e { ...F0 ...F1 ... on E { ...F2 ...F3 } } } ${defs(4)}`);
    expect(error?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_FRAGMENT_SPREADS', max: 3 });
    expect(error?.message).toBe('A selection set spreads 4 different fragments, more than allowed (MAX_FRAGMENT_SPREADS=3)');
  });

  it('does not count spreads nested in other fragments or sets against the outer set', () => {
    expect(refusal(`{ e { ...F0 ...F1 ...G } } fragment G on E { ...F2 ...F3 } ${defs(4)}`)).toBeNull();
  });
});

describe('the limits pass ahead of validation', () => {
  const wide = (n: number) => `{ encode { ${repeat(n, (i) => `c(first: ${i}) { n }`)} } }`;
  /** CPU milliseconds of this process for one run (on a shared machine wall time also counts the other processes' turns). */
  const cpuMs = (run: () => void) => {
    const t0 = process.cpuUsage();
    run();
    const t = process.cpuUsage(t0);
    return (t.user + t.system) / 1000;
  };

  /**
   * The large run's time over the small one's: each one's best of seven runs, the two taking
   * turns, so that a busy spell on the machine (another process compiling) slows both alike; the
   * first runs pay for compiling.
   */
  const ratio = (small: () => void, large: () => void) => {
    let [bestSmall, bestLarge] = [Infinity, Infinity];
    for (let round = 0; round < 7; round++) {
      bestSmall = Math.min(bestSmall, cpuMs(small));
      bestLarge = Math.min(bestLarge, cpuMs(large));
    }
    return bestLarge / bestSmall;
  };

  /** Time at 4N over time at N: about 4 for a linear pass, 16 for the spec rules' pairwise comparison. */
  const growth = (document: (n: number) => DocumentNode, n: number) => {
    const [small, large] = [document(n), document(4 * n)];
    return ratio(() => documentLimitError(small, DEFAULT_LIMITS), () => documentLimitError(large, DEFAULT_LIMITS));
  };

  it('refuses 1,000 same-name fields, in time linear in their number', () => {
    const document = (n: number) => parse(`{ encode { ${repeat(n, (i) => `c(first: ${i}) { n }`)} } }`);
    expect(documentLimitError(document(1_000), DEFAULT_LIMITS)?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_SAME_NAME_FIELDS' });
    expect(growth(document, 1_000)).toBeLessThan(12);
  });

  it('refuses 1,000 different fragments spread in one set, in time linear in their number', () => {
    const document = (n: number) => parse(`{ encode { ${repeat(n, (i) => `...F${i}`)} } } ${repeat(n, (i) => `fragment F${i} on E { id }`)}`);
    expect(documentLimitError(document(1_000), DEFAULT_LIMITS)?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_FRAGMENT_SPREADS' });
    expect(growth(document, 1_000)).toBeLessThan(12);
  });

  it('stays linear when one large fragment is spread in many sets', () => {
    // F: K distinct keys and `x` at the limit, spread in S sets beside a `y`. The sum of the parts'
    // largest counts (51) is over the limit, so each set is merged key by key: copying F's keys
    // into each would cost S × K; only the set's own keys are looked up in F.
    const document = (sets: number, keys: number) =>
      parse(`{ ${repeat(sets, (i) => `a${i}: e { y ...F }`)} } fragment F on E { ${repeat(50, () => 'x')} ${repeat(keys, (i) => `k${i}`)} }`);
    const l = { ...DEFAULT_LIMITS, aliases: 1_000, rootFields: 1_000 };
    const small = document(300, 2_500);
    const large = document(600, 5_000);
    expect(documentLimitError(large, l)).toBeNull();
    // Twice the sets and twice the keys: twice the time if linear, four times if S × K.
    expect(ratio(() => documentLimitError(small, l), () => documentLimitError(large, l))).toBeLessThan(3);
  });

  it('keeps answers by query text, refusals counted each time', async () => {
    const query = wide(60);
    const first = await queryRefusals(query, limits);
    expect(first[0]?.extensions.limit).toBe('MAX_SAME_NAME_FIELDS');
    expect(queryRefusals(query, limits)).toBe(first);
  });

  it('answers MAX_TOKENS for a document beyond it, and nothing for a syntax error (the GraphQL path words those)', async () => {
    expect((await queryRefusal(`{ ${repeat(30, () => 'a')} }`, { ...limits, tokens: 10 }))?.extensions.limit).toBe('MAX_TOKENS');
    expect(await queryRefusal('{ a ', limits)).toBeNull();
  });

  it('checks a large document in slices, with turns of the event loop between them, to the same answer', async () => {
    const large = `{ a { ${repeat(1_000, (i) => `...F${i}`)} } } ${repeat(1_000, (i) => `fragment F${i} on T { b(first: ${i}) { c } }`)}`;
    const pending = queryRefusals(large, DEFAULT_LIMITS);
    expect(pending).toBeInstanceOf(Promise);
    const { value: refusals, turns } = await turnsDuring(async () => pending);
    expect(turns).toBeGreaterThan(1);
    expect(refusals.map((e) => e.extensions.limit)).toEqual(documentLimitErrors(parse(large), DEFAULT_LIMITS).map((e) => e.extensions.limit));
    expect(refusals.map((e) => e.extensions.limit)).toEqual(['MAX_FRAGMENT_SPREADS', 'MAX_SAME_NAME_FIELDS']);
  });

  it('answers the untyped spec errors, located, when no limit is exceeded (GRAPHQL_VALIDATION_FAILED)', async () => {
    for (const size of [1, 2_000]) {
      const query = `{ a(x: 1, x: 2) { ${repeat(size, (i) => `f${i}`)} } }`;
      const refusals = await queryRefusals(query, limits);
      expect(refusals.map((e) => [e.message, e.extensions.code, e.locations])).toEqual([
        ['There can be only one argument named "x".', 'GRAPHQL_VALIDATION_FAILED', [{ line: 1, column: 5 }, { line: 1, column: 11 }]],
      ]);
    }
  });
});
