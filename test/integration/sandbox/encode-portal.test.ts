import { ENCODE_SANDBOX_KEYS } from '../../../src/sandbox/encode';
import { dataPath } from '../../../src/sandbox/shared/paths';
import { startPortal, type RunningPortal } from '../../support/encode-portal';

const { admin, submitter, viewer } = ENCODE_SANDBOX_KEYS;

describe('ENCODE portal emulator over HTTP (real profiles)', () => {
  let portal: RunningPortal;
  let labUuid: string;
  let biosample: { uuid: string; accession: string; '@id': string };

  beforeAll(async () => {
    portal = await startPortal({ profilesDir: dataPath('encode', 'profiles'), seedFile: null });
    const post = async (type: string, body: object) => {
      const res = await portal.call('POST', `/${type}`, body);
      if (res.status !== 201) throw new Error(`${type}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body['@graph'][0];
    };
    await post('award', { name: 'UM1HG009411', title: 'Sandbox award', project: 'ENCODE', rfa: 'ENCODE4' });
    labUuid = (await post('lab', { name: 'barbara-wold', title: 'Barbara Wold, Caltech', awards: ['UM1HG009411'] })).uuid;
    await post('organism', { name: 'human', taxon_id: '9606', scientific_name: 'Homo sapiens' });
    await post('source', { name: 'atcc', title: 'ATCC' });
    await post('biosample_type', { classification: 'cell line', term_id: 'EFO:0001203', term_name: 'MCF-7' });
    // The submitter's user exists from the start; an admin grants it the lab.
    const users = await portal.call('GET', '/search/?type=User&email=submitter@sandbox.invalid&format=json');
    const grant = await portal.call('PATCH', `/users/${users.body['@graph'][0].uuid}/`, { submits_for: [labUuid] });
    expect(grant.status).toBe(200);
  });
  afterAll(() => portal.stop());

  const sample = (alias: string, extra: object = {}) => ({
    award: 'UM1HG009411',
    lab: 'barbara-wold',
    organism: 'human',
    source: 'atcc',
    biosample_ontology: 'cell_line_EFO_0001203',
    aliases: [`barbara-wold:${alias}`],
    ...extra,
  });

  it('serves profiles with mixins resolved and abstract types listing their subtypes', async () => {
    const one = await portal.call('GET', '/profiles/biosample.json?format=json', undefined, null);
    expect(one.status).toBe(200);
    expect(one.body.mixinProperties).toBeUndefined();
    expect(Object.keys(one.body.properties)).toEqual(expect.arrayContaining(['aliases', 'accession', 'lab', 'award', 'uuid']));
    const all = await portal.call('GET', '/profiles/?format=json', undefined, null);
    expect(all.body.Donor._subtypes).toEqual(['FlyDonor', 'HumanDonor', 'ManateeDonor', 'MouseDonor', 'WormDonor']);
    expect(all.body._subtypes.Biosample).toEqual(['Biosample']);
    expect((await portal.call('GET', '/profiles/no_such_type.json')).status).toBe(404);
    // Calculated properties are served as not submittable; guarded ones as readonly to non-admins.
    expect(one.body.properties['@id']).toMatchObject({ notSubmittable: true });
    expect(one.body.properties.status).toMatchObject({ permission: 'import_items', readonly: true });
    const asAdmin = await portal.call('GET', '/profiles/biosample.json?format=json', undefined, admin);
    expect(asAdmin.body.properties.status.readonly).toBeUndefined();
    const calculated = await portal.call('POST', '/biosample', { ...sample('s-calc'), '@id': '/biosamples/x/' }, submitter);
    expect(calculated.body.errors).toEqual([{ location: 'body', name: ['@id'], description: 'submission disallowed' }]);
  });

  it('creates a record as a submitter: 201, Location, TST accession, server defaults, links stored as uuids', async () => {
    const res = await portal.call('POST', '/biosamples/', sample('s-1'), submitter);
    expect(res.status).toBe(201);
    biosample = res.body['@graph'][0];
    expect(res.body).toMatchObject({ status: 'success', '@type': ['result'] });
    expect(biosample.accession).toMatch(/^TSTBS\d{6}$/);
    expect(res.headers.location).toBe(`/biosamples/${biosample.accession}/`);
    expect(res.body['@graph'][0]).toMatchObject({ lab: '/labs/barbara-wold/', status: 'in progress', schema_version: expect.any(String) });
    const edit = await portal.call('GET', `${biosample['@id']}?frame=edit`, undefined, submitter);
    // Stored as uuids; the edit frame renders them as resource paths, as snovault's item_edit does.
    expect(portal.sandbox.portal.store.get(biosample.uuid)!.properties.lab).toBe(labUuid);
    expect(edit.body.lab).toBe('/labs/barbara-wold/');
    expect(edit.body.submitted_by).toMatch(/^\/users\/[0-9a-f-]{36}\/$/);
    expect(edit.body['@id']).toBeUndefined();
    expect(edit.body.uuid).toBe(biosample.uuid);
    expect(edit.headers.etag).toBeDefined();
  });

  it('finds a record by uuid, accession, alias and @id, redirecting to the canonical path with the query kept', async () => {
    for (const id of [biosample.uuid, biosample.accession, 'barbara-wold:s-1']) {
      const res = await portal.call('GET', `/${id}/?format=json&datastore=database`);
      expect(res.status).toBe(301);
      expect(res.headers.location).toBe(`${biosample['@id']}?format=json&datastore=database`);
    }
    const canonical = await portal.call('GET', `${biosample['@id']}?format=json&frame=object`);
    expect(canonical.body).toMatchObject({ uuid: biosample.uuid, '@type': ['Biosample', 'Item'] });
    expect((await portal.call('GET', '/labs/barbara-wold/?format=json')).body.title).toBe('Barbara Wold, Caltech');
    expect((await portal.call('GET', '/barbara-wold/?format=json')).status).toBe(404);
    expect((await portal.call('GET', '/TSTBS999999/?format=json')).body).toMatchObject({ '@type': ['HTTPNotFound', 'Error'], code: 404 });
  });

  it('answers invalid records with 422 and jsonschema messages at JSON paths', async () => {
    const { lab: _lab, ...noLab } = sample('bad-1', { passage_number: 'five', colour: 'red', source: 'nowhere' });
    const res = await portal.call('POST', '/biosample', noLab);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ '@type': ['ValidationFailure', 'Error'], status: 'error', code: 422, title: 'Unprocessable Entity', description: 'Failed validation' });
    const byDescription = Object.fromEntries(res.body.errors.map((e: any) => [e.description, e.name]));
    expect(byDescription).toMatchObject({
      "'lab' is a required property": [],
      "Additional properties are not allowed ('colour' was unexpected)": [],
      "'five' is not of type 'integer'": ['passage_number'],
      "'nowhere' not found": ['source'],
    });
    expect(res.body.errors.every((e: any) => e.location === 'body')).toBe(true);
  });

  it('refuses what only admins may set, and what the submitter does not submit for', async () => {
    const status = await portal.call('POST', '/biosample', sample('s-perm', { status: 'released' }), submitter);
    expect(status.body.errors).toEqual([{ location: 'body', name: ['status'], description: "permission 'import_items' required" }]);
    await portal.call('POST', '/lab', { name: 'other-lab', title: 'Other Lab, SBX' });
    const other = await portal.call('POST', '/biosample', { ...sample('s-other'), lab: 'other-lab' }, submitter);
    expect(other.status).toBe(422);
    // snovault names the value given, not the lab's uuid.
    expect(other.body.errors).toEqual([{ location: 'body', name: ['lab'], description: "'other-lab' is not in user submits_for" }]);
    expect((await portal.call('POST', '/award', { name: 'X1', title: 'x', project: 'ENCODE', rfa: 'ENCODE4' }, submitter)).status).toBe(403);
    expect((await portal.call('POST', '/biosample', sample('s-view'), viewer)).status).toBe(403);
  });

  it('answers a duplicate alias with 409 Keys conflict', async () => {
    const res = await portal.call('POST', '/biosample', sample('s-1'));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ '@type': ['HTTPConflict', 'Error'], detail: "Keys conflict: [('alias', 'barbara-wold:s-1')]" });
  });

  it('PATCHes over the stored record and PUTs a whole one, keeping the accession', async () => {
    const patched = await portal.call('PATCH', `/${biosample.accession}`, { description: 'patched' }, submitter);
    expect(patched.status).toBe(200);
    expect(patched.body['@graph'][0]).toMatchObject({ description: 'patched', aliases: ['barbara-wold:s-1'] });
    const bad = await portal.call('PATCH', `/${biosample.accession}`, { passage_number: -1 }, submitter);
    expect(bad.status).toBe(422);

    const edit = (await portal.call('GET', `${biosample['@id']}?frame=edit`, undefined, submitter)).body;
    const { description: _d, ...rest } = edit;
    const put = await portal.call('PUT', `/${biosample.uuid}`, rest, submitter);
    expect(put.status).toBe(200);
    expect(put.body['@graph'][0].description).toBeUndefined();
    // The edit frame's links (paths) and guarded values (submitted_by) go back unchanged.
    expect(portal.sandbox.portal.store.get(biosample.uuid)!.properties.lab).toBe(labUuid);
    const lost = await portal.call('PUT', `/${biosample.uuid}`, { ...rest, accession: undefined }, submitter);
    expect(lost.body.errors).toEqual([{ location: 'body', name: ['accession'], description: 'must specify original accession' }]);
  });

  it('keeps attachments sent as data URIs and serves them back', async () => {
    const text = 'Grow in DMEM with 10% FBS.';
    const href = `data:text/plain;base64,${Buffer.from(text).toString('base64')}`;
    const doc = await portal.call(
      'POST',
      '/document',
      { award: 'UM1HG009411', lab: 'barbara-wold', document_type: 'growth protocol', attachment: { download: 'growth.txt', type: 'text/plain', href } },
      submitter,
    );
    expect(doc.status).toBe(201);
    const stored = doc.body['@graph'][0];
    expect(stored.attachment).toMatchObject({ href: '@@download/attachment/growth.txt', size: text.length, md5sum: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const back = await fetch(`${portal.url}${stored['@id']}@@download/attachment/growth.txt`, {
      headers: { authorization: `Basic ${Buffer.from(`${submitter.id}:${submitter.secret}`).toString('base64')}` },
    });
    expect(await back.text()).toBe(text);
    const wrong = await portal.call('POST', '/document', { award: 'UM1HG009411', lab: 'barbara-wold', document_type: 'growth protocol', attachment: { download: 'growth.pdf', type: 'text/plain', href } }, submitter);
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].name).toEqual(['attachment', 'href']);
  });

  it('refuses a PATCH whose If-Match ETag is stale with 412', async () => {
    const first = await portal.call('GET', `${biosample['@id']}?frame=edit`, undefined, submitter);
    await portal.call('PATCH', biosample['@id'], { description: 'changed in between' }, submitter);
    const res = await fetch(`${portal.url}${biosample['@id']}`, {
      method: 'PATCH',
      headers: {
        'content-type': 'application/json',
        'if-match': String(first.headers.etag),
        authorization: `Basic ${Buffer.from(`${submitter.id}:${submitter.secret}`).toString('base64')}`,
      },
      body: JSON.stringify({ description: 'stale' }),
    });
    expect(res.status).toBe(412);
  });

  it('searches: repeated values OR-ed, fields AND-ed, != and * , links followed, 404 when empty, 400 for a bad type', async () => {
    await portal.call('POST', '/biosample', sample('s-2', { passage_number: 4 }), submitter);
    await portal.call('POST', '/biosample', sample('s-3'), submitter);
    const or = await portal.call('GET', '/search/?type=Biosample&aliases=barbara-wold:s-1&aliases=barbara-wold:s-2&format=json');
    expect(or.body).toMatchObject({ total: 2, notification: 'Success', '@type': ['Search'] });
    const and = await portal.call('GET', '/search/?type=Biosample&aliases=barbara-wold:s-1&aliases=barbara-wold:s-2&passage_number=4&format=json');
    expect(and.body['@graph'].map((r: any) => r.aliases[0])).toEqual(['barbara-wold:s-2']);
    expect((await portal.call('GET', '/search/?type=Biosample&passage_number=*&format=json')).body.total).toBe(1);
    expect((await portal.call('GET', '/search/?type=Biosample&passage_number!=4&format=json')).body.total).toBe(2);
    expect((await portal.call('GET', '/search/?type=Biosample&lab.name=barbara-wold&limit=1&format=json')).body).toMatchObject({ total: 3 });
    const trimmed = await portal.call('GET', '/search/?type=Biosample&field=accession&limit=all&format=json');
    expect(Object.keys(trimmed.body['@graph'][0]).sort()).toEqual(['@id', '@type', 'accession']);
    const none = await portal.call('GET', '/search/?type=Biosample&aliases=barbara-wold:none&format=json');
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ notification: 'No results found', total: 0, '@graph': [] });
    expect((await portal.call('GET', '/search/?type=NoSuchType&format=json')).status).toBe(400);
    expect((await portal.call('GET', '/search/?type=Donor&format=json')).status).toBe(404);
  });

  it('checks Basic auth: a wrong secret is 401, no credentials may read released records only', async () => {
    const wrong = await portal.call('GET', '/search/?type=Biosample&format=json', undefined, { id: submitter.id, secret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body['@type']).toEqual(['HTTPUnauthorized', 'Error']);
    expect((await portal.call('GET', `${biosample['@id']}?format=json`, undefined, null)).status).toBe(403);
    expect((await portal.call('GET', '/awards/UM1HG009411/?format=json', undefined, null)).status).toBe(200);
    expect((await portal.call('PATCH', biosample['@id'], { description: 'x' }, null)).status).toBe(403);
    expect((await portal.call('GET', `${biosample['@id']}?frame=edit`, undefined, viewer)).status).toBe(403);
  });

  it('issues upload credentials for an uploading file and renews them with @@upload', async () => {
    const exp = await portal.call('POST', '/experiment', { award: 'UM1HG009411', lab: 'barbara-wold', assay_term_name: 'ChIP-seq', biosample_ontology: 'cell_line_EFO_0001203' }, submitter);
    expect(exp.status).toBe(201);
    const file = await portal.call(
      'POST',
      '/file',
      {
        award: 'UM1HG009411',
        lab: 'barbara-wold',
        dataset: exp.body['@graph'][0].accession,
        file_format: 'bam',
        output_type: 'alignments',
        assembly: 'GRCh38',
        md5sum: '0123456789abcdef0123456789abcdef',
        file_size: 10,
        status: 'uploading',
        submitted_file_name: '/data/rep1.bam',
      },
      admin,
    );
    expect(file.body.errors ?? []).toEqual([]);
    expect(file.status).toBe(201);
    const created = file.body['@graph'][0];
    expect(created.upload_credentials.upload_url).toMatch(new RegExp(`^s3://encode-sandbox-uploads/\\d{4}/\\d{2}/\\d{2}/${created.uuid}/${created.accession}\\.bam$`));
    const renewed = await portal.call('POST', `/files/${created.accession}/@@upload`, {}, admin);
    expect(renewed.status).toBe(200);
    expect(renewed.body['@graph'][0].upload_credentials.session_token).not.toBe(created.upload_credentials.session_token);
    // A file answers to `md5:<md5sum>` (an alias the portal adds), not to the bare md5.
    const byMd5 = await portal.call('GET', '/md5:0123456789abcdef0123456789abcdef/?format=json', undefined, admin);
    expect(byMd5.status).toBe(301);
    expect(byMd5.headers.location).toBe(`/files/${created.accession}/?format=json`);
    expect((await portal.call('GET', '/0123456789abcdef0123456789abcdef/?format=json', undefined, admin)).status).toBe(404);
    const released = await portal.call('PATCH', created['@id'], { status: 'released' }, admin);
    expect(released.body['@graph'][0].upload_credentials).toBeUndefined();
    const refused = await portal.call('POST', `/files/${created.accession}/@@upload`, {}, admin);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe('status must be "uploading" to issue new credentials');
  });
});
