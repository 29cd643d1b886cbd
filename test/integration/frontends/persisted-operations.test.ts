import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { FormData, request } from 'undici';
import { loadConfig } from '../../../src/config';
import { buildManifest } from '../../../src/plugins/manifest';
import { loadTrustedDocuments } from '../../../src/plugins/trusted-documents';
import { startStack, type Stack } from '../../support/stack';

/** Automatic persisted queries on both paths, and trusted documents (TRUSTED_DOCUMENTS). */
const OPERATIONS = path.join(__dirname, 'fixtures', 'operations');
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const PREFLIGHT = { 'apollo-require-preflight': 'true' };

async function post(url: string, body: object) {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as any };
}

async function get(url: string, params: Record<string, unknown>) {
  const search = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const res = await request(`${url}?${search}`, { headers: { accept: '*/*', ...PREFLIGHT } });
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as any };
}

const code = (answer: { body: any }) => answer.body.errors?.[0]?.extensions?.code;
const persisted = (hash: string, version: unknown = 1) => ({ persistedQuery: { version, sha256Hash: hash } });

describe('automatic persisted queries', () => {
  let stack: Stack;
  let url: string;
  beforeAll(async () => {
    stack = await startStack({});
    url = stack.gateway.graphqlUrl;
  });
  afterAll(() => stack.stop());

  it('not found, registered, then hit: a query POSTed (the fast path)', async () => {
    const query = 'query Version { gatewayInfo { version } }';
    const hash = sha(query);
    const miss = await post(url, { extensions: persisted(hash) });
    expect(miss.status).toBe(200);
    expect(code(miss)).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(miss.headers['cache-control']).toBe('private, no-cache, must-revalidate');
    const register = await post(url, { query, extensions: persisted(hash) });
    expect(register.body.data.gatewayInfo.version).toBeTruthy();
    const hit = await post(url, { extensions: persisted(hash) });
    expect(hit.body).toEqual(register.body);
  });

  it('not found, registered, then hit: a mutation POSTed (Apollo)', async () => {
    const query = 'mutation Close($id: Int!) { closeTransaction(input: { project: "GDC-INTERNAL", transactionId: $id }) { success } }';
    const hash = sha(query);
    expect(code(await post(url, { variables: { id: 999999 }, extensions: persisted(hash) }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    const register = await post(url, { query, variables: { id: 999999 }, extensions: persisted(hash) });
    expect(register.body.data.closeTransaction).toEqual({ success: false });
    const hit = await post(url, { variables: { id: 999999 }, extensions: persisted(hash) });
    expect(hit.body.data.closeTransaction).toEqual({ success: false });
  });

  it('not found, registered, then hit: GET by hash (the fast path, as a POST is), with variables', async () => {
    const query = 'query Dict($t: String) { gdcDictionary(type: $t) }';
    const hash = sha(query);
    expect(code(await get(url, { variables: { t: 'case' }, extensions: persisted(hash) }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    const register = await get(url, { query, variables: { t: 'case' }, extensions: persisted(hash) });
    expect(register.body.data.gdcDictionary.id).toBe('case');
    const viaApollo = jest.spyOn(ApolloServer.prototype, 'executeHTTPGraphQLRequest');
    try {
      const hit = await get(url, { variables: { t: 'case' }, extensions: persisted(hash) });
      expect(hit.status).toBe(200);
      expect(hit.body.data.gdcDictionary.id).toBe('case');
      expect(viaApollo).not.toHaveBeenCalled();
    } finally {
      viaApollo.mockRestore();
    }
  });

  it('a hash registered on one path is a hit on the other', async () => {
    const query = 'query Sandbox { gatewayInfo { sandbox } }';
    await post(url, { query, extensions: persisted(sha(query)) });
    expect((await get(url, { extensions: persisted(sha(query)) })).body.data).toEqual({ gatewayInfo: { sandbox: true } });
  });

  it('refuses a hash that does not match the query, and any version but 1, on both paths, without running it', async () => {
    const query = '{ gatewayInfo { version } }';
    const wrong = sha('something else');
    for (const answer of [await post(url, { query, extensions: persisted(wrong) }), await get(url, { query, extensions: persisted(wrong) })]) {
      expect(answer.status).toBe(400);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors[0]).toMatchObject({ message: 'provided sha does not match query', extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' } });
    }
    // The mismatched hash was not registered.
    expect(code(await post(url, { extensions: persisted(wrong) }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    for (const answer of [await post(url, { query, extensions: persisted(sha(query), 2) }), await get(url, { query, extensions: persisted(sha(query), 2) })]) {
      expect(answer.status).toBe(400);
      expect(answer.body.data).toBeUndefined();
      expect(code(answer)).toBe('PERSISTED_QUERY_VERSION_NOT_SUPPORTED');
    }
    expect(code(await post(url, { query, extensions: persisted('not-a-hash') }))).toBe('BAD_REQUEST');
  });
});

describe('trusted documents', () => {
  let stack: Stack;
  let url: string;
  let manifestFile: string;
  let manifest: ReturnType<typeof buildManifest>;
  beforeAll(async () => {
    manifestFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trusted-')), 'manifest.json');
    // The npm script, as a user runs it.
    execFileSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/persisted-manifest.ts', OPERATIONS, '--out', manifestFile], { cwd: path.join(__dirname, '../../..') });
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    stack = await startStack({}, { trustedDocuments: loadTrustedDocuments(manifestFile) });
    url = stack.gateway.graphqlUrl;
  });
  afterAll(() => stack.stop());

  it('writes one entry per operation, with its fragments and __typename as Apollo Client sends it, id = sha256(body)', () => {
    expect(manifest.format).toBe('apollo-persisted-query-manifest');
    expect(manifest.operations.map((o) => [o.name, o.type]).sort()).toEqual([
      ['CloseTransaction', 'mutation'],
      ['GatewayVersion', 'query'],
    ]);
    const version = manifest.operations.find((o) => o.name === 'GatewayVersion')!;
    expect(version.body).toContain('fragment Upstreams on GatewayInfo');
    expect(version.body).toMatch(/upstreams \{\s+source\s+__typename\s+\}/);
    expect(version.id).toBe(sha(version.body));
    expect(buildManifest(OPERATIONS, { typename: false }).operations.find((o) => o.name === 'GatewayVersion')!.body).not.toContain('__typename');
  });

  it('runs a listed operation sent by id, by exact body, and by id with its body (APQ clients)', async () => {
    const version = manifest.operations.find((o) => o.name === 'GatewayVersion')!;
    const byId = await post(url, { extensions: persisted(version.id) });
    expect(byId.body.data.gatewayInfo.upstreams).toHaveLength(2);
    expect((await post(url, { query: version.body })).body).toEqual(byId.body);
    expect((await post(url, { query: version.body, extensions: persisted(version.id) })).body).toEqual(byId.body);
    expect((await get(url, { extensions: persisted(version.id) })).body).toEqual(byId.body);
    const close = manifest.operations.find((o) => o.name === 'CloseTransaction')!;
    expect((await post(url, { extensions: persisted(close.id), variables: { id: 999999 } })).body.data.closeTransaction).toEqual({ success: false, __typename: 'SubmissionResult' });
  });

  it('refuses everything else before parsing: other text, unknown ids, GET, multipart, batches, and APQ registration', async () => {
    const version = manifest.operations.find((o) => o.name === 'GatewayVersion')!;
    const other = '{ gatewayInfo { version } }';
    const refusals = [
      await post(url, { query: other }),
      await post(url, { query: `${version.body} ` }),
      await post(url, { query: 'this is not GraphQL {{{' }),
      await post(url, { extensions: persisted(sha(other)) }),
      await post(url, { query: other, extensions: persisted(sha(other)) }),
      await post(url, { query: other, extensions: persisted(version.id) }),
      await get(url, { query: other }),
      await post(url, [{ query: version.body }, { query: other }] as unknown as object),
    ];
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: other }));
    form.append('map', '{}');
    const multipart = await request(url, { method: 'POST', headers: PREFLIGHT, body: form });
    refusals.push({ status: multipart.statusCode, headers: multipart.headers, body: await multipart.body.json() });
    for (const answer of refusals) {
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0]).toMatchObject({ message: 'This operation is not one of the trusted documents (TRUSTED_DOCUMENTS)', extensions: { code: 'PERSISTED_QUERY_NOT_ALLOWED' } });
    }
  });

  it('reads TRUSTED_DOCUMENTS in the configuration, with one-line errors', () => {
    expect(loadConfig({ TRUSTED_DOCUMENTS: manifestFile }).trustedDocuments!.size).toBe(2);
    expect(loadConfig({}).trustedDocuments).toBeNull();
    expect(() => loadConfig({ TRUSTED_DOCUMENTS: '/no/such/file.json' })).toThrow(/^TRUSTED_DOCUMENTS '\/no\/such\/file.json' cannot be read as JSON/);
    const bad = path.join(path.dirname(manifestFile), 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ format: 'apollo-persisted-query-manifest', operations: [{ id: 'x', name: 'X', type: 'query' }] }));
    expect(() => loadConfig({ TRUSTED_DOCUMENTS: bad })).toThrow(`TRUSTED_DOCUMENTS '${bad}': operation 1 needs a non-empty id and body, a name and a type (query, mutation or subscription)`);
  });
});
