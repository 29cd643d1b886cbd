import { request } from 'undici';
import {
  aliquotDoc,
  analyteDoc,
  caseDoc,
  diagnosisDoc,
  portionDoc,
  readGroupDoc,
  sampleDoc,
  unalignedReadsDoc,
} from '../sandbox/gdc-graphql/fixture';
import { ok, REAL_SCHEMAS, startStack, type Stack } from '../../support/stack';

// The typed GDC graph against the sandbox's own submission GraphQL, on the real dictionary and the
// same data: the GDC guide's queries, run directly and inside gdc(project:) { … }, must agree.
let stack: Stack;

async function submit(project: string, entities: object[]): Promise<void> {
  const res = ok(
    await stack.gql(`mutation($p: String, $e: [JSON!]) { createEntities(input: { source: GDC, project: $p, entities: $e }) { success entities { errors { message } } } }`, {
      p: project,
      e: entities,
    }),
  );
  if (!res.createEntities.success) throw new Error(`setup: ${JSON.stringify(res.createEntities.entities)}`);
}

/** The sandbox's submission GraphQL, asked directly. */
async function direct(query: string): Promise<any> {
  const res = await request(`${stack.sandbox.gdc!.url}/v0/submission/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': stack.sandbox.gdc!.token },
    body: JSON.stringify({ query }),
  });
  const body = (await res.body.json()) as { data: any; errors?: string[] };
  if (res.statusCode !== 200 || body.errors) throw new Error(`direct query failed: ${JSON.stringify(body)}`);
  return body.data;
}

/** The same selection inside gdc(project:) through the gateway: its data, and what it cost upstream. */
async function viaGateway(project: string, selection: string, fragments = '') {
  stack.sandbox.gdc!.requests.reset();
  const res = await stack.gql(`{ gdc(project: "${project}") { ${selection} } } ${fragments}`);
  const data = ok(res).gdc;
  const posts = stack.sandbox.gdc!.requests.entries.filter((e) => e.path === '/v0/submission/graphql');
  return { data, calls: res.extensions?.upstreamCalls, posts: posts.length, logged: stack.sandbox.gdc!.requests.entries.length };
}

beforeAll(async () => {
  stack = await startStack(REAL_SCHEMAS);
  await submit('TCGA-LUAD', [
    caseDoc('LUAD', 'TCGA-05-4244'),
    caseDoc('LUAD', 'TCGA-17-Z050'),
    diagnosisDoc('TCGA-05-4244-diagnosis', 'TCGA-05-4244'),
  ]);
  await submit('TCGA-LUAD', [
    sampleDoc('TCGA-05-4244-01A', 'TCGA-05-4244'),
    sampleDoc('TCGA-05-4244-10A', 'TCGA-05-4244'),
    portionDoc('TCGA-05-4244-01A-01', 'TCGA-05-4244-01A', false),
    portionDoc('TCGA-05-4244-01A-02', 'TCGA-05-4244-01A', true),
    analyteDoc('TCGA-05-4244-01A-01D', 'TCGA-05-4244-01A-01'),
    aliquotDoc('TCGA-05-4244-01A-01D-A1', 'TCGA-05-4244-01A-01D'),
    aliquotDoc('TCGA-05-4244-01A-01D-A2', 'TCGA-05-4244-01A-01D'),
  ]);
  await submit('TCGA-LUAD', [readGroupDoc('TCGA-05-4244-RG1', 'TCGA-05-4244-01A-01D-A1')]);
  await submit('TCGA-LUAD', [unalignedReadsDoc('TCGA-05-4244-R1', 'reads_1.fq.gz', 'TCGA-05-4244-RG1')]);
  await submit('TCGA-ALCH', [caseDoc('ALCH', 'TCGA-ALCH-000001'), caseDoc('ALCH', 'TCGA-ALCH-000002')]);
}, 120_000);
afterAll(() => stack?.stop());

describe('typed GDC graph against the submission GraphQL', () => {
  it('answers the guide\'s biospecimen tree as upstream does, in one upstream request', async () => {
    const tree = `case(first: 1, order_by_asc: "submitter_id") { id submitter_id samples(first: 1, order_by_asc: "submitter_id") { id sample_type portions(first: 1) { id is_ffpe analytes(first: 1) { id aliquots(first: 1) { id submitter_id } } } } }`;
    const expected = await direct(`{ ${tree.replace('case(', 'case(project_id: "TCGA-LUAD", ')} }`);
    const got = await viaGateway('TCGA-LUAD', tree);
    expect(got.data).toEqual(expected);
    expect(got.data.case[0].samples[0].portions[0].analytes[0].aliquots[0].submitter_id).toBe('TCGA-05-4244-01A-01D-A1');
    expect(got.calls).toEqual({ ENCODE: 0, GDC: 1 });
    expect([got.posts, got.logged]).toEqual([1, 1]);
  });

  it('follows links both ways with counts and filters, keeps aliases and fragments, and types the values', async () => {
    const selection = `
      luad: case(order_by_asc: "submitter_id", first: 0) { submitter_id disease_type _samples_count samples(sample_type: ["Primary Tumor"]) { submitter_id } diagnoses { age_at_diagnosis } }
      reads: submitted_unaligned_reads { file_size file_name read_groups { read_length is_paired_end aliquots { submitter_id } } }
      one: portion(submitter_id: "TCGA-05-4244-01A-02") { ...portionProperties }
      back: aliquot(with_path_to: { type: "case", submitter_id: "TCGA-05-4244" }, order_by_desc: "submitter_id") { submitter_id analytes { portions { samples { cases { submitter_id } } } } }
      _case_count
      _aliquot_count(with_path_to: { type: "sample", submitter_id: "TCGA-05-4244-01A" })`;
    const upstreamSelection = selection
      .replace('case(order_by_asc', 'case(project_id: "TCGA-LUAD", order_by_asc')
      .replace('submitted_unaligned_reads {', 'submitted_unaligned_reads(project_id: "TCGA-LUAD") {')
      .replace('portion(submitter_id', 'portion(project_id: "TCGA-LUAD", submitter_id')
      .replace('aliquot(with_path_to', 'aliquot(project_id: "TCGA-LUAD", with_path_to')
      .replace('_case_count\n', '_case_count(project_id: "TCGA-LUAD")\n')
      .replace('_aliquot_count(', '_aliquot_count(project_id: "TCGA-LUAD", ');
    const expected = await direct(`{ ${upstreamSelection} } fragment portionProperties on portion { submitter_id is_ffpe }`);
    const got = await viaGateway('TCGA-LUAD', selection, 'fragment portionProperties on GdcPortion { submitter_id is_ffpe }');
    expect(got.data).toEqual(expected);
    expect(got.calls).toEqual({ ENCODE: 0, GDC: 1 });
    expect(got.data._case_count).toBe(2);
    expect(got.data._aliquot_count).toBe(2);
    expect(got.data.reads[0].file_size).toBe(5747943025); // beyond 32 bits: SafeInt
    expect(got.data.reads[0].read_groups[0]).toMatchObject({ read_length: 75, is_paired_end: true });
    expect(got.data.back.map((a: any) => a.submitter_id)).toEqual(['TCGA-05-4244-01A-01D-A2', 'TCGA-05-4244-01A-01D-A1']);
  });

  it('sees only the project asked for, at every root field', async () => {
    const alch = await viaGateway('TCGA-ALCH', '_case_count case(first: 0, order_by_asc: "submitter_id") { submitter_id project_id } node(first: 0, of_type: ["case"]) { submitter_id }');
    expect(alch.data._case_count).toBe(2);
    expect(alch.data.case).toEqual([
      { submitter_id: 'TCGA-ALCH-000001', project_id: 'TCGA-ALCH' },
      { submitter_id: 'TCGA-ALCH-000002', project_id: 'TCGA-ALCH' },
    ]);
    expect(alch.data.node.map((n: any) => n.submitter_id).sort()).toEqual(['TCGA-ALCH-000001', 'TCGA-ALCH-000002']);
    stack.sandbox.gdc!.requests.reset();
    const outside = await stack.gql(`{ gdc(project: "TCGA-ALCH") { case(project_id: "TCGA-LUAD") { id } } }`);
    expect(outside.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.sandbox.gdc!.requests.entries).toHaveLength(0);
  });

  it('resolves node and _links to each entity own type, with GdcEntity fields upstream\'s Node lacks', async () => {
    const got = await viaGateway(
      'TCGA-LUAD',
      `node(first: 0, of_type: ["case", "sample"]) { __typename id type state submitter_id ... on GdcCase { disease_type } ... on GdcSample { sample_type _links { __typename type } } }`,
    );
    const expected = await direct(
      `{ node(project_id: "TCGA-LUAD", first: 0, of_type: ["case", "sample"]) { __typename id type submitter_id ... on case { state disease_type } ... on sample { state sample_type _links { __typename type } } } }`,
    );
    const upstreamName = (n: string) => `Gdc${n.split('_').map((p) => p[0].toUpperCase() + p.slice(1)).join('')}`;
    const mapped = expected.node.map((n: any) => ({
      ...n,
      __typename: upstreamName(n.__typename),
      ...(n._links ? { _links: n._links.map((l: any) => ({ ...l, __typename: upstreamName(l.__typename) })) } : {}),
    }));
    expect(got.data.node).toEqual(mapped);
    expect(new Set(got.data.node.map((n: any) => n.__typename))).toEqual(new Set(['GdcCase', 'GdcSample']));
    expect(got.data.node.every((n: any) => n.state === 'validated')).toBe(true);
    expect(got.calls).toEqual({ ENCODE: 0, GDC: 1 });
  });

  it('reports upstream errors where upstream could not answer', async () => {
    const res = await stack.gql(`{ gdc(project: "TCGA-LUAD") { case(order_by_asc: "no_such_property") { id } } }`);
    expect(res.errors?.[0].message).toMatch(/^GDC submission GraphQL: /);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'GDC' });
    expect(res.extensions?.upstreamCalls).toEqual({ ENCODE: 0, GDC: 1 });
  });

  it('typed createGdc<Node>s: GraphQL refuses wrong names and types before any upstream call; valid ones go the createEntities path', async () => {
    stack.sandbox.gdc!.requests.reset();
    const wrong = await stack.gql(`mutation { createGdcCases(project: "TCGA-ALCH", entities: [{ submitter_id: "X", disease_typ: "Gliomas", projects: { code: "ALCH" } }]) { success } }`);
    expect(wrong.errors?.map((e) => e.message).join('\n')).toMatch(/Field "disease_typ" is not defined by type "GdcCaseInput"\. Did you mean "disease_type"\?/);
    const badType = await stack.gql(`mutation { createGdcPortions(project: "TCGA-ALCH", entities: [{ submitter_id: "P", is_ffpe: "yes", samples: { submitter_id: "S" } }]) { success } }`);
    expect(badType.errors?.map((e) => e.message).join('\n')).toMatch(/Boolean cannot represent a non boolean value: "yes"/);
    expect(stack.sandbox.gdc!.requests.entries).toHaveLength(0);

    const fields = 'success dryRun message createdCount errorCount entities { index action valid type submitterId errors { type message } }';
    const entity = { submitter_id: 'TCGA-ALCH-000003', disease_type: 'Gliomas', primary_site: 'Brain', projects: [{ code: 'ALCH' }] };
    const typed = ok(await stack.gql(`mutation($e: [GdcCaseInput!]!) { createGdcCases(project: "TCGA-ALCH", entities: $e, dryRun: true) { ${fields} } }`, { e: [entity] }));
    const generic = ok(
      await stack.gql(`mutation($e: [JSON!]) { createEntities(input: { source: GDC, project: "TCGA-ALCH", entities: $e, dryRun: true }) { ${fields} } }`, {
        e: [{ type: 'case', ...entity }],
      }),
    );
    expect({ ...typed.createGdcCases, message: undefined }).toEqual({ ...generic.createEntities, message: undefined });
    expect(typed.createGdcCases).toMatchObject({ success: true, dryRun: true, errorCount: 0 });
    expect(typed.createGdcCases.entities[0]).toMatchObject({ type: 'case', submitterId: 'TCGA-ALCH-000003' });
  });
});
