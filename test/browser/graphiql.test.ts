import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startStack, type Stack } from '../support/stack';

// What a newcomer sees after `npm start`: the starter sandbox behind the gateway, GraphiQL in a
// real browser with no network beyond loopback.
let stack: Stack;
let browser: Browser;
let page: Page;
const offHost: string[] = [];
const pageErrors: string[] = [];
const cspViolations: string[] = [];

beforeAll(async () => {
  stack = await startStack({});
  browser = await launchChromium();
  page = await browser.newPage();
  // Anything that is not the gateway itself would be a CDN or some other host: refuse and record it.
  const gatewayOrigin = new URL(stack.gateway.graphqlUrl).origin;
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === gatewayOrigin) return route.continue();
    offHost.push(url);
    return route.abort('blockedbyclient');
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // The gateway's Content-Security-Policy must let its own GraphiQL page run whole.
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
  });
  await page.goto(stack.gateway.graphqlUrl, { waitUntil: 'load' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('GraphiQL in a browser', () => {
  it('renders its editor from the gateway alone', async () => {
    await page.locator('.graphiql-container').first().waitFor({ state: 'visible' });
    await page.locator('.graphiql-query-editor').getByText('Overview').first().waitFor({ state: 'visible' });
    expect(await page.title()).toBe('submission-gateway');
    expect(offHost).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('runs the example query against the sandbox and shows the answer', async () => {
    const answer = page.waitForResponse(
      (res) => res.url().startsWith(stack.gateway.graphqlUrl) && res.request().method() === 'POST' &&
        /Overview/.test(res.request().postData() ?? ''),
    );
    await page.locator('.graphiql-execute-button').click();
    const body = await (await answer).json();

    expect(body.errors).toBeUndefined();
    expect(body.data.gatewayInfo.sandbox).toBe(true);
    expect(body.data.labs.records.map((lab: { name: string }) => lab.name)).toContain('sandbox-lab');
    expect(body.data.sample.properties.submitter_id).toBeDefined();

    // The response pane shows it too (Monaco draws only the visible lines: the top of the answer).
    await page.locator('.graphiql-response').getByText('"sandbox": true').first().waitFor({ state: 'visible' });
    expect(offHost).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('lists the typed graph in its docs pane: EncodeBiosample and GdcCase, reachable from Query', async () => {
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    const typeLink = (name: string) => docs.locator('a.graphiql-doc-explorer-type-name', { hasText: new RegExp(`^${name}$`) }).first();
    // Every schema type is listed on the first page of the docs.
    for (const name of ['EncodeBiosample', 'EncodeRecord', 'GdcCase', 'GdcEntity']) await typeLink(name).waitFor({ state: 'attached' });

    // And a newcomer can browse to them: Query → encode → EncodeQuery → biosample → EncodeBiosample.
    await typeLink('Query').click();
    await typeLink('EncodeQuery').click();
    await typeLink('EncodeBiosample').click();
    await docs.locator('.graphiql-doc-explorer-title', { hasText: 'EncodeBiosample' }).waitFor({ state: 'visible' });
    await typeLink('EncodeLab').waitFor({ state: 'visible' });
    await docs.locator('.graphiql-doc-explorer-back').first().click();
    await docs.locator('.graphiql-doc-explorer-back').first().click();
    await typeLink('GdcQuery').click();
    await typeLink('GdcCase').click();
    await docs.locator('.graphiql-doc-explorer-title', { hasText: 'GdcCase' }).waitFor({ state: 'visible' });
    await typeLink('GdcSample').waitFor({ state: 'visible' });
    expect(offHost).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('autocompletes three levels deep in the typed graph', async () => {
    const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('{ encode { biosamples { lab { aw');
    await page.keyboard.press('Control+Space');
    await page.locator('.suggest-widget').getByText('awards').first().waitFor({ state: 'visible' });
    expect(pageErrors).toEqual([]);
  });
});
