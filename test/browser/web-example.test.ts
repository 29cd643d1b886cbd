import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { ok, REAL_SCHEMAS, startStack, type Stack } from '../support/stack';

// examples/web in a real browser, served from its own origin: it pages biosamplesConnection with
// "load more", opens a record by node(id), all as automatic persisted queries; with its origin not
// in CORS_ORIGINS the browser refuses the gateway's answers.
const WEB = join(__dirname, '../../examples/web');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
let server: Server;
let appOrigin: string;
let browser: Browser;
const stacks: Stack[] = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/$/, '/index.html');
    if (!/^\/[a-z-]+\.(html|js)$/.test(name)) return res.writeHead(404).end();
    try {
      res.writeHead(200, { 'content-type': TYPES[name.slice(name.lastIndexOf('.'))] }).end(await readFile(join(WEB, name)));
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

async function openApp(stack: Stack): Promise<{ page: Page; posts: string[] }> {
  const page = await browser.newPage();
  const posts: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST') posts.push(r.postData() ?? '');
  });
  await page.goto(`${appOrigin}/?gateway=${encodeURIComponent(stack.gateway.graphqlUrl)}`);
  return { page, posts };
}

describe('examples/web in a browser', () => {
  it('pages biosamples to the end, shows totalCount, opens a record by node(id), with persisted queries', async () => {
    const stack = await startStack({ ...REAL_SCHEMAS, encodeSeed: undefined }, { cors: { origins: [appOrigin], credentials: false } });
    stacks.push(stack);
    const total = ok(await stack.gql(`{ encodeSearch(type: "Biosample", limit: 1) { total } }`)).encodeSearch.total;
    expect(total).toBeGreaterThan(10);
    const { page, posts } = await openApp(stack);
    await page.locator('#total').getByText(`(${total})`).waitFor();
    const more = page.locator('#more');
    for (let shown = await page.locator('button.biosample').count(); shown < total; ) {
      await more.click();
      await page.waitForFunction(([n]) => document.querySelectorAll('button.biosample').length > n || document.getElementById('error')!.textContent !== '', [shown]);
      expect(await page.locator('#error').textContent()).toBe('');
      shown = await page.locator('button.biosample').count();
    }
    expect(await more.isHidden()).toBe(true);
    const ids = await page.locator('button.biosample').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id));
    expect(new Set(ids).size).toBe(total);

    await page.locator('button.biosample').first().click();
    await page.locator('[data-field="id"]').getByText(ids[0]!).waitFor();
    expect(await page.locator('[data-field="type"]').textContent()).toBe('EncodeBiosample');
    expect(await page.locator('[data-field="lab"]').textContent()).not.toBe('');
    expect(await page.locator('#error').textContent()).toBe('');

    // APQ: the first use of each operation sends the hash alone, then registers; later pages send only the hash.
    const withQuery = posts.filter((p) => JSON.parse(p).query);
    expect(withQuery.length).toBe(2);
    // One POST per page and one for the record, plus one registration for each of the two operations.
    expect(posts.length).toBe(Math.ceil(total / 10) + 1 + 2);
    await page.close();
  }, 180_000);

  it('is refused by the browser when its origin is not in CORS_ORIGINS', async () => {
    const stack = await startStack({}, { cors: { origins: ['http://elsewhere.example'], credentials: false } });
    stacks.push(stack);
    const { page } = await openApp(stack);
    await page.locator('#error').getByText(/fetch/i).waitFor();
    expect(await page.locator('button.biosample').count()).toBe(0);
    await page.close();
  }, 120_000);
});
