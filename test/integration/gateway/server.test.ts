import { FormData, request } from 'undici';
import { ok, startStack, SUBMISSION_RESULT, type Stack } from '../../support/stack';

describe('the gateway on the built-in starter set (what `npm start` serves)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({}); // no schemas given: the starter profiles, seed and dictionary
  });
  afterAll(() => stack.stop());

  it('answers /healthz', async () => {
    const res = await request(`${stack.gateway.url}/healthz`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ status: 'ok', sandbox: true });
  });

  it('serves GraphiQL itself, with no script or stylesheet from another host', async () => {
    const res = await request(stack.gateway.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const html = await res.body.text();
    expect(html).toMatch(/graphiql/i);
    expect(html).toContain('submission-gateway');
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/i);
    expect(html).not.toMatch(/<link[^>]+href=["']https?:/i);
  });

  it('reports its upstreams', async () => {
    const { gatewayInfo } = ok(await stack.gql(`{ gatewayInfo { sandbox upstreams { source url sandbox } } }`));
    expect(gatewayInfo.sandbox).toBe(true);
    expect(gatewayInfo.upstreams.map((u: any) => [u.source, u.sandbox])).toEqual([
      ['ENCODE', true],
      ['GDC', true],
    ]);
  });

  it('shows the seeded ENCODE records and the starter GDC dictionary', async () => {
    const { labs, dict } = ok(await stack.gql(`{ labs: encodeSearch(type: "Lab") { total records } dict: gdcDictionary(type: "case") }`));
    expect(labs.total).toBeGreaterThanOrEqual(1);
    expect(dict).toMatchObject({ id: 'case' });
  });

  it('lets the default (submitter) key register an ENCODE biosample for the seeded lab, out of the box', async () => {
    const biosample = { award: 'UM1HG000000', lab: 'sandbox-lab', organism: 'human', source: 'atcc', biosample_ontology: 'cell_line_EFO_0001203', aliases: ['sandbox-lab:first-sample'] };
    const q = `mutation($e: [JSON!]) { createEntities(input: { source: ENCODE, profile: "biosample", entities: $e }) { ${SUBMISSION_RESULT} } }`;
    const { createEntities } = ok(await stack.gql(q, { e: [biosample] }));
    expect(createEntities).toMatchObject({ success: true, createdCount: 1, entities: [{ type: 'biosample', aliases: ['sandbox-lab:first-sample'] }] });
    expect(createEntities.entities[0].accession).toMatch(/^TSTBS\d{6}$/);
  });

  it('accepts a GDC document as a multipart file upload', async () => {
    const form = new FormData();
    const query = `mutation($file: Upload!) { createEntities(input: { source: GDC, project: "GDC-INTERNAL", file: $file, dryRun: true }) { ${SUBMISSION_RESULT} } }`;
    form.append('operations', JSON.stringify({ query, variables: { file: null } }));
    form.append('map', JSON.stringify({ 0: ['variables.file'] }));
    const doc = [{ type: 'case', submitter_id: 'UPLOAD-1', disease_type: 'Blood Vessel Tumors', primary_site: 'Base of tongue', projects: { code: 'INTERNAL' } }];
    form.append('0', new Blob([JSON.stringify(doc)], { type: 'application/json' }), 'cases.json');
    const res = await request(stack.gateway.graphqlUrl, { method: 'POST', body: form, headers: { 'apollo-require-preflight': 'true' } });
    const body = (await res.body.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.createEntities).toMatchObject({ source: 'GDC', dryRun: true, success: true, entities: [{ submitterId: 'UPLOAD-1' }] });
  });

  it('refuses a multipart upload without the preflight header (CSRF protection)', async () => {
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: '{ gatewayInfo { sandbox } }', variables: {} }));
    form.append('map', '{}');
    const res = await request(stack.gateway.graphqlUrl, { method: 'POST', body: form });
    expect(res.statusCode).toBe(400);
    await res.body.text();
  });
});
