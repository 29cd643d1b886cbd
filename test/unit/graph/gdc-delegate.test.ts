import { execute, type GraphQLSchema, parse } from 'graphql';
import { buildGraph } from '../../../src/graph/build';
import { dictionaryAll } from '../../../src/sandbox/gdc/routes/dictionary';
import { loadDictionary } from '../../../src/rules/gdc/dictionary/load';
import { Dictionary } from '../../../src/rules/gdc/dictionary/model';
import { starterPath } from '../../../src/sandbox/shared/paths';
import { resolvers } from '../../../src/resolvers';
import { loadTypeDefs } from '../../../src/schema';

// gdc(project:) sends its whole selection upstream as one query; these tests read that query and
// feed back an answer, with no upstream at all.
let schema: GraphQLSchema;

beforeAll(() => {
  const all = dictionaryAll(new Dictionary(loadDictionary(starterPath('gdc', 'dictionary'))));
  schema = buildGraph({ encodeProfiles: null, gdcDictionary: all, problems: [] }, { typeDefs: loadTypeDefs(), resolvers: resolvers as any }).schema;
});

interface Answer {
  data?: unknown;
  errors?: string[];
}

async function run(query: string, answer: Answer = { data: {} }, variables: Record<string, unknown> = {}) {
  const sent: string[] = [];
  const gdc = {
    graphql: async (q: string) => {
      sent.push(q);
      return { status: answer.errors?.length ? 400 : 200, data: answer.data ?? null, errors: answer.errors ?? [] };
    },
  };
  const result = await execute({ schema, document: parse(query), variableValues: variables, contextValue: { gdc } });
  return { result, sent };
}

const squash = (q: string) => q.replace(/\s+/g, ' ').trim();

describe('gdc(project:) as one submission GraphQL query', () => {
  it('sends the selection as written, aliases kept, root fields scoped to the project, and answers by response name', async () => {
    const { result, sent } = await run(
      `{ gdc(project: "GDC-INTERNAL") {
          c: case(first: 2, order_by_asc: "submitter_id") { id submitter_id primary_site s: samples { submitter_id } _samples_count }
          _case_count(disease_type: ["Gliomas"])
      } }`,
      { data: { c: [{ id: 'a', submitter_id: 'C-1', primary_site: 'Brain', s: [{ submitter_id: 'S-1' }], _samples_count: 1 }], _case_count: 7 } },
    );
    expect(sent.map(squash)).toEqual([
      squash(`{ c: case(first: 2, order_by_asc: "submitter_id", project_id: ["GDC-INTERNAL"]) { id submitter_id primary_site s: samples { submitter_id } _samples_count }
        _case_count(disease_type: ["Gliomas"], project_id: ["GDC-INTERNAL"]) }`),
    ]);
    expect(result).toEqual({
      data: { gdc: { c: [{ id: 'a', submitter_id: 'C-1', primary_site: 'Brain', s: [{ submitter_id: 'S-1' }], _samples_count: 1 }], _case_count: 7 } },
    });
  });

  it('inlines variables, directives and named fragments, and maps type names to upstream ones', async () => {
    const { sent } = await run(
      `query Q($n: Int, $ids: [String], $more: Boolean!) { gdc(project: "GDC-INTERNAL") {
          node(ids: $ids, first: $n) { ...Who ... on GdcSample { sample_type } }
          case @include(if: $more) { id }
          sample @skip(if: $more) { id }
      } }
      fragment Who on GdcEntity { id type }`,
      { data: { node: [], case: [] } },
      { n: 0, ids: ['x', 'y'], more: true },
    );
    expect(sent.map(squash)).toEqual([
      squash(`{ node(ids: ["x", "y"], first: 0, project_id: "GDC-INTERNAL") { ... { id type } ... on sample { sample_type } __typename }
        case(project_id: ["GDC-INTERNAL"]) { id } }`),
    ]);
  });

  it("asks each node type for GdcEntity's state, which upstream's Node interface lacks, and resolves types from __typename", async () => {
    const { result, sent } = await run(`{ gdc(project: "GDC-INTERNAL") { node(first: 1) { __typename id state } } }`, {
      data: { node: [{ __typename: 'case', id: 'a', state: 'validated' }] },
    });
    expect(squash(sent[0])).toContain('... on case { state }');
    expect(squash(sent[0])).toContain('... on aliquot { state }');
    expect(result.data).toEqual({ gdc: { node: [{ __typename: 'GdcCase', id: 'a', state: 'validated' }] } });
  });

  it('refuses a project_id outside gdc(project:) before any upstream call; asks nothing for __typename alone', async () => {
    const outside = await run(`{ gdc(project: "GDC-INTERNAL") { case(project_id: ["TCGA-LUAD"]) { id } } }`);
    expect(outside.sent).toEqual([]);
    expect(outside.result.errors?.[0].message).toMatch(/project_id \["TCGA-LUAD"\] is outside gdc\(project: "GDC-INTERNAL"\)/);
    const nothing = await run(`{ gdc(project: "GDC-INTERNAL") { __typename } }`);
    expect(nothing.sent).toEqual([]);
    expect(nothing.result.data).toEqual({ gdc: { __typename: 'GdcQuery' } });
    const bad = await run(`{ gdc(project: "INTERNAL") { case { id } } }`);
    expect(bad.sent).toEqual([]);
    expect(bad.result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("puts upstream's errors where upstream could not answer", async () => {
    const { result } = await run(`{ gdc(project: "GDC-INTERNAL") { a: case { id } b: sample { id } } }`, {
      data: { a: [{ id: 'x' }], b: null },
      errors: ['Cannot order by nothing on sample'],
    });
    expect(result.data).toBeNull(); // b is [GdcSample!]!, and gdc is non-null
    expect(result.errors?.map((e) => [e.message, e.path])).toEqual([['GDC submission GraphQL: Cannot order by nothing on sample', ['gdc', 'b']]]);
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'GDC', upstreamErrors: ['Cannot order by nothing on sample'] });
  });
});

describe('fields a node type lacks upstream, and Query.nodes', () => {
  it("answers GdcEntity's state null on a program without asking upstream, whose program type has none", async () => {
    const { result, sent } = await run(`{ gdc(project: "GDC-INTERNAL") { program { id name state } } }`, { data: { program: [{ id: 'p', name: 'GDC' }] } });
    expect(sent.map(squash)).toEqual([squash('{ program { id name } }')]);
    expect(result).toEqual({ data: { gdc: { program: [{ id: 'p', name: 'GDC', state: null }] } } });
  });

  it('sends the ids once, as a variable, to node and to each type without project_id (which node leaves out), and answers from either', async () => {
    const sent: { query: string; variables: unknown }[] = [];
    const ids = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'];
    const gdc = {
      graphql: async (query: string, variables: unknown) => {
        sent.push({ query, variables });
        return {
          status: 200,
          data: { nodes: [{ __typename: 'case', id: ids[0], submitter_id: 'C-1' }], program__nodes: [{ __typename: 'program', id: ids[1], name: 'GDC' }], project__nodes: [] },
          errors: [],
        };
      },
    };
    const result = await execute({
      schema,
      document: parse(`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on GdcCase { submitter_id } ... on GdcProgram { name state } } }`),
      variableValues: { ids },
      contextValue: { gdc },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ nodes: [{ id: ids[0], submitter_id: 'C-1' }, { id: ids[1], name: 'GDC', state: null }, null] });
    expect(sent).toHaveLength(1);
    expect(sent[0].variables).toEqual({ ids });
    const query = squash(sent[0].query);
    expect(query).toContain('query GatewayNodes($ids: [String]) { nodes: node(ids: $ids, first: 0)');
    expect(query).toContain('program__nodes: program(ids: $ids, first: 0) { __typename id ... on program { name } }');
    expect(query).toContain('project__nodes: project(ids: $ids, first: 0)');
    expect(query).not.toContain('case__nodes');
    expect(query).not.toContain(ids[0]);
  });
});
