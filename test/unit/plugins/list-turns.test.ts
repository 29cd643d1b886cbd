import { makeExecutableSchema } from '@graphql-tools/schema';
import { execute, parse } from 'graphql';
import { completeListsInTurns, IN_ONE_PIECE } from '../../../src/plugins/list-turns';
import { turnsDuring } from '../../support/turns';

const typeDefs = /* GraphQL */ `
  type Query {
    items(n: Int!): [Item!]!
    later(n: Int!): [Item]
    names(n: Int!): [String!]!
  }
  type Item {
    id: Int!
    label: String!
    tags: [String!]!
  }
`;

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i, label: `item ${i}`, tags: ['a', String(i)] }));

function schema(inTurns: boolean) {
  const s = makeExecutableSchema({
    typeDefs,
    resolvers: {
      Query: {
        items: (_: unknown, { n }: { n: number }) => items(n),
        later: async (_: unknown, { n }: { n: number }) => items(n),
        names: (_: unknown, { n }: { n: number }) => Array.from({ length: n }, (_x, i) => `name ${i}`),
      },
      Item: { label: (item: { label: string }) => item.label.toUpperCase() },
    },
  });
  if (inTurns) completeListsInTurns(s);
  return s;
}

/** The result, and the turns of the event loop (setImmediate callbacks run) while it was computed. */
async function run(inTurns: boolean, query: string) {
  const { value: result, turns } = await turnsDuring(() => Promise.resolve(execute({ schema: schema(inTurns), document: parse(query) })));
  return { result, turns };
}

const LONG = `{ items(n: 20000) { id label tags } later(n: 20000) { id } names(n: 20000) }`;

describe('completeListsInTurns', () => {
  it('answers long lists exactly as graphql-js does in one piece', async () => {
    const [paced, whole] = await Promise.all([run(true, LONG), run(false, LONG)]);
    // Compared as text: jest's deep equality of 60,000 objects takes seconds.
    expect(JSON.stringify(paced.result)).toBe(JSON.stringify(whole.result));
    expect((paced.result.data?.items as unknown[]).length).toBe(20_000);
  });

  it('completes a long list over several turns of the event loop (graphql-js alone: none)', async () => {
    const query = `{ items(n: 20000) { id label tags } }`;
    expect((await run(false, query)).turns).toBe(0);
    expect((await run(true, query)).turns).toBeGreaterThan(1);
  });

  it('leaves lists of up to IN_ONE_PIECE items as they are: no turn taken', async () => {
    const { result, turns } = await run(true, `{ items(n: ${IN_ONE_PIECE}) { id } names(n: ${IN_ONE_PIECE}) }`);
    expect(turns).toBe(0);
    expect((result.data?.items as unknown[]).length).toBe(IN_ONE_PIECE);
  });

  it('keeps errors where graphql-js puts them: a null in a non-null list fails the list', async () => {
    const s = makeExecutableSchema({
      typeDefs: 'type Query { ids: [Int!] }',
      resolvers: { Query: { ids: () => Array.from({ length: 1000 }, (_, i) => (i === 700 ? null : i)) } },
    });
    completeListsInTurns(s);
    const result = await execute({ schema: s, document: parse('{ ids }') });
    expect(result.data).toEqual({ ids: null });
    expect(result.errors?.map((e) => e.path)).toEqual([['ids', 700]]);
  });
});
