import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { buildManifest } from '../../src/plugins/manifest';
import { loadTrustedDocuments, type PersistedQueryManifest } from '../../src/plugins/trusted-documents';
import { buildWeb, WEB_DIR, WEB_DIST } from '../../scripts/web-build';
import { launchChromium } from '../support/browser';
import { ok, REAL_SCHEMAS, startStack, type Stack } from '../support/stack';

// examples/web (TypeScript + urql, bundled by `npm run web:build`) in a real browser, served from
// its own origin: it pages biosamplesConnection with "load more", opens a record by node(id) and
// registers a TSV through createEntities with a file input, all as automatic persisted queries.
// With its origin not in CORS_ORIGINS the browser refuses the gateway's answers; with the
// gateway on TRUSTED_DOCUMENTS from the app's own manifest it still works, and nothing else runs.
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
let server: Server;
let appOrigin: string;
let browser: Browser;
const stacks: Stack[] = [];

beforeAll(async () => {
  await buildWeb();
  server = createServer(async (req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/$/, '/index.html');
    if (!/^\/[a-z-]+\.(html|js)$/.test(name)) return res.writeHead(404).end();
    try {
      res.writeHead(200, { 'content-type': TYPES[name.slice(name.lastIndexOf('.'))] }).end(await readFile(join(WEB_DIST, name)));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  appOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(stacks.map((s) => s.stop()));
  await new Promise((resolve) => server?.close(resolve));
});

interface Sent {
  request: Request;
  /** The JSON body; null for a multipart request, whose file parts the browser does not hand to the test. */
  body: Record<string, any> | null;
  multipart: boolean;
}

async function openApp(stack: Stack): Promise<{ page: Page; posts: Sent[] }> {
  const page = await browser.newPage();
  const posts: Sent[] = [];
  page.on('request', (request) => {
    if (request.method() !== 'POST') return;
    const multipart = (request.headers()['content-type'] ?? '').startsWith('multipart/form-data');
    posts.push({ request, body: multipart ? null : JSON.parse(request.postData() ?? 'null'), multipart });
  });
  await page.goto(`${appOrigin}/?gateway=${encodeURIComponent(stack.gateway.graphqlUrl)}`);
  return { page, posts };
}

async function noError(page: Page): Promise<void> {
  expect(await page.locator('#error').textContent()).toBe('');
}

/** Clicks "Load more" until it hides; the ids shown, in order. */
async function pageToTheEnd(page: Page, total: number): Promise<string[]> {
  const more = page.locator('#more');
  for (let shown = await page.locator('button.biosample').count(); shown < total; ) {
    await more.click();
    await page.waitForFunction(([n]) => document.querySelectorAll('button.biosample').length > n || document.getElementById('error')!.textContent !== '', [shown]);
    await noError(page);
    shown = await page.locator('button.biosample').count();
  }
  expect(await more.isHidden()).toBe(true);
  return page.locator('button.biosample').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id!));
}

async function openFirstRecord(page: Page, id: string): Promise<void> {
  await page.locator('button.biosample').first().click();
  await page.locator('[data-field="id"]').getByText(id).waitFor();
  expect(await page.locator('[data-field="type"]').textContent()).toBe('EncodeBiosample');
  expect(await page.locator('[data-field="lab"]').textContent()).not.toBe('');
  await noError(page);
}

const LAB = 'barbara-wold';
// Two rows the portal takes and one it refuses (organism is a link to an organism that does not exist).
const tsv = (prefix: string) =>
  [
    'aliases\tlab\taward\tsource\torganism\tbiosample_ontology\tdescription',
    `${LAB}:${prefix}-1\t${LAB}\tENCODE2\tatcc\thuman\tcell_line_EFO_0001203\tfirst from the browser`,
    `${LAB}:${prefix}-2\t${LAB}\tENCODE2\tatcc\tmartian\tcell_line_EFO_0001203\tnot an organism`,
    `${LAB}:${prefix}-3\t${LAB}\tENCODE2\tatcc\thuman\tcell_line_EFO_0001203\tthird from the browser`,
  ].join('\n');

/** Chooses the TSV in the file input, registers it, and reads the result table: one object per row, by data-field. */
async function register(page: Page, text: string): Promise<Record<string, string | null>[]> {
  await page.setInputFiles('#tsv', { name: 'biosamples.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(text) });
  await page.locator('#upload').click();
  await page.waitForFunction(() => document.querySelectorAll('#results tr').length > 0 || document.getElementById('error')!.textContent !== '');
  await noError(page);
  return page.locator('#results tr').evaluateAll((trs) =>
    trs.map((tr) => Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.field!, td.textContent]))),
  );
}

/** The rows the page shows are what the sandbox portal now holds: the created records, the refused row not at all. */
function expectHeld(stack: Stack, prefix: string, rows: Record<string, string | null>[]): void {
  expect(rows.map((r) => [r.row, r.action, r.aliases])).toEqual([
    ['2', 'create', `${LAB}:${prefix}-1`],
    ['3', 'none', `${LAB}:${prefix}-2`],
    ['4', 'create', `${LAB}:${prefix}-3`],
  ]);
  expect(rows[1]!.errors).toMatch(/^INVALID_LINK: Row 3, column 'organism'/);
  const store = stack.sandbox.encode!.emulator.portal.store;
  const held = store.all().filter((i) => (i.properties.aliases ?? []).some((a: string) => a.startsWith(`${LAB}:${prefix}-`)));
  expect(held.map((i) => [i.itemType, i.uuid, i.properties.accession, i.properties.aliases]).sort()).toEqual(
    [rows[0]!, rows[2]!].map((r) => ['biosample', r.id, r.accession, [r.aliases]]).sort(),
  );
}

describe('examples/web in a browser', () => {
  let stack: Stack;
  let total: number;
  let page: Page;
  let posts: Sent[];

  beforeAll(async () => {
    stack = await startStack({ ...REAL_SCHEMAS, encodeSeed: undefined }, { cors: { origins: [appOrigin], credentials: false } });
    stacks.push(stack);
    total = ok(await stack.gql(`{ encodeSearch(type: "Biosample", limit: 1) { total } }`)).encodeSearch.total;
    expect(total).toBeGreaterThan(10);
    ({ page, posts } = await openApp(stack));
  }, 120_000);
  afterAll(() => page?.close());

  it('pages biosamples to the end, shows totalCount, opens a record by node(id), with persisted queries', async () => {
    await page.locator('#total').getByText(`(${total})`).waitFor();
    const ids = await pageToTheEnd(page, total);
    expect(new Set(ids).size).toBe(total);
    await openFirstRecord(page, ids[0]!);

    // APQ: the first use of each operation sends the hash alone, then registers; later pages send only the hash.
    expect(posts.every((p) => p.body?.extensions?.persistedQuery?.version === 1)).toBe(true);
    expect(posts.filter((p) => p.body?.query).map((p) => p.body!.operationName)).toEqual(['Biosamples', 'Record']);
    // One POST per page and one for the record, plus one registration for each of the two operations.
    expect(posts.length).toBe(Math.ceil(total / 10) + 1 + 2);
  }, 180_000);

  it('registers a TSV chosen in a file input (multipart, Apollo-Require-Preflight) and shows each row as the sandbox now holds it', async () => {
    posts.length = 0;
    const rows = await register(page, tsv('web-tsv'));
    expectHeld(stack, 'web-tsv', rows);
    expect(await page.locator('#summary').textContent()).toMatch(/^2 created, 1 with errors/);

    // Sent as GraphQL multipart requests with the CSRF header, the mutation by its hash like every
    // other operation: unknown the first time, then sent with its query, which registers it.
    expect(posts.map((p) => [p.multipart, p.request.headers()['apollo-require-preflight']])).toEqual([
      [true, 'true'],
      [true, 'true'],
    ]);
    const answers = await Promise.all(posts.map(async (p) => (await p.request.response())!.json()));
    expect(answers[0].errors.map((e: any) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(answers[1].data.createEntities.createdCount).toBe(2);
  }, 120_000);
});

describe('examples/web with its origin not in CORS_ORIGINS', () => {
  it('is refused by the browser', async () => {
    const stack = await startStack({}, { cors: { origins: ['http://elsewhere.example'], credentials: false } });
    stacks.push(stack);
    const { page } = await openApp(stack);
    await page.locator('#error').getByText(/fetch/i).waitFor();
    expect(await page.locator('button.biosample').count()).toBe(0);
    await page.close();
  }, 120_000);
});

describe('examples/web against a gateway on TRUSTED_DOCUMENTS from its own operations', () => {
  it('works, every operation sent by id, and an operation outside the manifest is refused', async () => {
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'web-manifest-'));
    const manifest = join(dir, 'manifest.json');
    // urql prints documents its own way (one newline between definitions): --client urql prints with it.
    execFileSync('npm', ['run', '--silent', 'persisted:manifest', '--', join(WEB_DIR, 'src', 'operations'), '--client', 'urql', '--out', manifest], { stdio: 'pipe' });
    const trusted = loadTrustedDocuments(manifest);
    expect(trusted.size).toBe(3);
    // Record spreads a fragment, so urql's text of it is not graphql-js's: a manifest printed for Apollo Client would refuse it.
    const recordId = (file: PersistedQueryManifest) => file.operations.find((o) => o.name === 'Record')!.id;
    expect(recordId(buildManifest(join(WEB_DIR, 'src', 'operations')))).not.toBe(recordId(JSON.parse(fs.readFileSync(manifest, 'utf8'))));
    const stack = await startStack({ ...REAL_SCHEMAS, encodeSeed: undefined }, { cors: { origins: [appOrigin], credentials: false }, trustedDocuments: trusted });
    stacks.push(stack);
    const total = ok(await stack.gql(trusted.bodyOf(JSON.parse(fs.readFileSync(manifest, 'utf8')).operations.find((o: any) => o.name === 'Biosamples').id)!, { first: 1 })).encode
      .biosamplesConnection.totalCount;

    const { page, posts } = await openApp(stack);
    await page.locator('#total').getByText(`(${total})`).waitFor();
    const ids = await pageToTheEnd(page, total);
    await openFirstRecord(page, ids[0]!);
    // The app's hashes are the manifest's ids: no request needed to send a query text.
    expect(posts.length).toBe(Math.ceil(total / 10) + 1);
    expect(posts.every((p) => trusted.bodyOf(p.body?.extensions?.persistedQuery?.sha256Hash) !== undefined && !p.body?.query)).toBe(true);

    // The upload too: a multipart request whose operation is the manifest's id alone.
    posts.length = 0;
    expectHeld(stack, 'web-trusted', await register(page, tsv('web-trusted')));
    expect(posts.map((p) => p.multipart)).toEqual([true]);

    // The same origin, any other operation: refused before it is parsed.
    const refused = await page.evaluate(async (url) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ gatewayInfo { version } }' }) });
      return { status: res.status, body: await res.json() };
    }, stack.gateway.graphqlUrl);
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: any) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_ALLOWED']);
    await page.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 180_000);
});
