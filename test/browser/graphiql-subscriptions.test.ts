import type { Browser, Page } from 'playwright-core';
import { type JobModel, type JobState, LocalJobUpdates } from '../../src/jobs/updates';
import { launchChromium } from '../support/browser';
import { startStack, type Stack } from '../support/stack';

// GraphiQL runs Subscription.jobProgress (issue 16): the page's subscription transport is GraphQL
// over SSE at /graphql, so the run shows each event as it comes and nothing leaves the gateway.
const job = (done: number, state: JobState, owner: string): JobModel => ({
  id: 'j1',
  kind: 'createEntities',
  state,
  progress: { total: 3, done, succeeded: done, failed: 0, bytesTotal: null, bytesDone: 0, etaSeconds: null, message: null },
  error: null,
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: '2026-01-01T00:00:01Z',
  finishedAt: null,
  owner,
});

let stack: Stack;
let browser: Browser;
let page: Page;
const bus = new LocalJobUpdates();
let owner = '';
const offHost: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  stack = await startStack(
    {},
    {
      // The page's caller brings no credentials (it gets the sandbox's): whoever it is owns j1.
      jobUpdates: {
        reader: {
          get: async (id, caller) => {
            if (id !== 'j1') return null;
            owner = caller;
            return job(0, 'RUNNING', caller);
          },
        },
        updates: bus,
        timing: { minIntervalMs: 20, keepaliveMs: 5_000 },
      },
    },
  );
  browser = await launchChromium();
  page = await browser.newPage();
  // The page is 8.9 MB of script: on a loaded 2-core machine its first render alone can take tens of seconds.
  page.setDefaultTimeout(90_000);
  const gatewayOrigin = new URL(stack.gateway.graphqlUrl).origin;
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === gatewayOrigin) return route.continue();
    offHost.push(url);
    return route.abort('blockedbyclient');
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(stack.gateway.graphqlUrl, { waitUntil: 'load' });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

it('runs a jobProgress subscription over SSE and shows each state as it arrives', async () => {
  await page.locator('.graphiql-query-editor').getByText('Overview').first().waitFor({ state: 'visible' });
  const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
  // On a loaded machine the editor can take focus late and drop the first keys: type until it shows the text.
  const typed = page.locator('.graphiql-query-editor').getByText('jobProgress').first();
  for (let attempt = 0; attempt < 5 && !(await typed.isVisible()); attempt++) {
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    // Inserted whole, as a paste: typed, the editor would add closing brackets of its own.
    await page.keyboard.insertText('subscription Watch { jobProgress(id: "j1") { state progress { done } } }');
    await typed.waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
  }
  await typed.waitFor({ state: 'visible' });
  // GraphiQL may take the editor's text a moment after it shows: a click before that runs the
  // previous query, and no request for Watch comes. Clicked again (up to 5 times) until one does.
  const isWatch = (req: { url(): string; postData(): string | null }) => req.url().startsWith(stack.gateway.graphqlUrl) && /Watch/.test(decodeURIComponent(req.url() + (req.postData() ?? '')));
  let request: Awaited<ReturnType<typeof page.waitForRequest>> | null = null;
  for (let attempt = 0; attempt < 5 && !request; attempt++) {
    const streamed = page.waitForRequest(isWatch, { timeout: 20_000 }).catch(() => null);
    await page.locator('.graphiql-execute-button').click();
    request = await streamed;
  }
  if (!request) throw new Error('GraphiQL sent no request for the Watch subscription after 5 clicks');
  expect(request.headers().accept).toBe('text/event-stream');

  for (let i = 0; i < 400 && bus['emitter'].listenerCount('j1') === 0; i++) await new Promise((r) => setTimeout(r, 10));
  const response = page.locator('.graphiql-response');
  await response.getByText('"RUNNING"').first().waitFor({ state: 'visible' });
  bus.publish(job(2, 'RUNNING', owner));
  await response.getByText('"done": 2').first().waitFor({ state: 'visible' });
  bus.publish({ ...job(3, 'SUCCEEDED', owner), finishedAt: '2026-01-01T00:00:09Z' });
  await response.getByText('"SUCCEEDED"').first().waitFor({ state: 'visible' });
  // The terminal event ends the stream: nobody is listening to the job any more.
  for (let i = 0; i < 400 && bus['emitter'].listenerCount('j1') > 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(bus['emitter'].listenerCount('j1')).toBe(0);
  expect(offHost).toEqual([]);
  expect(pageErrors).toEqual([]);
}, 240_000);
