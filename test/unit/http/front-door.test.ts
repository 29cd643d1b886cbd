import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { frontDoor, type NodeMiddleware, oncePerRequestSteps } from '../../../src/http/front-door';

/** A server whose front door records which steps ran and who answered. */
async function serve(steps: NodeMiddleware[], seen: string[]) {
  const rest = (req: IncomingMessage, res: ServerResponse) => {
    seen.push(`rest ${req.method} ${req.url} locals=${JSON.stringify((res as any).locals ?? null)}`);
    res.end('rest');
  };
  const onError = (err: unknown, _req: IncomingMessage, res: ServerResponse) => {
    seen.push(`error ${(err as Error).message}`);
    res.statusCode = 500;
    res.end('error');
  };
  const server = http.createServer(frontDoor({ path: '/graphql', steps, rest, onError }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const step = (name: string, seen: string[]): NodeMiddleware => (_req, res, next) => {
  seen.push(name);
  (res as any).locals[name] = true;
  next();
};

describe('the query front door', () => {
  it('runs its steps in order for POST /graphql (with or without a query string), then hands on to the app with res.locals kept', async () => {
    const seen: string[] = [];
    const s = await serve([step('a', seen), step('b', seen)], seen);
    try {
      await (await request(`${s.base}/graphql?x=1`, { method: 'POST', body: '{}' })).body.text();
      expect(seen).toEqual(['a', 'b', 'rest POST /graphql?x=1 locals={"a":true,"b":true}']);
    } finally {
      await s.close();
    }
  });

  it('leaves every other request to the app untouched: other methods and other paths', async () => {
    const seen: string[] = [];
    const s = await serve([step('a', seen)], seen);
    try {
      await (await request(`${s.base}/graphql`)).body.text();
      await (await request(`${s.base}/graphql/`, { method: 'POST', body: '{}' })).body.text();
      await (await request(`${s.base}/metrics`, { method: 'POST', body: '{}' })).body.text();
      expect(seen).toEqual(['rest GET /graphql locals=null', 'rest POST /graphql/ locals=null', 'rest POST /metrics locals=null']);
    } finally {
      await s.close();
    }
  });

  it('stops at a step that answers, and sends next(err) and a throwing step to the error handler', async () => {
    const seen: string[] = [];
    const answer: NodeMiddleware = (_req, res) => {
      seen.push('answer');
      res.end('answered');
    };
    const fails: NodeMiddleware = (_req, _res, next) => next(new Error('refused'));
    const throws: NodeMiddleware = () => {
      throw new Error('thrown');
    };
    for (const [steps, expected, body] of [
      [[step('a', seen), answer, step('never', seen)], ['a', 'answer'], 'answered'],
      [[fails, step('never', seen)], ['error refused'], 'error'],
      [[throws], ['error thrown'], 'error'],
    ] as const) {
      seen.length = 0;
      const s = await serve([...steps], seen);
      try {
        expect(await (await request(`${s.base}/graphql`, { method: 'POST', body: '{}' })).body.text()).toBe(body);
        expect(seen).toEqual(expected);
      } finally {
        await s.close();
      }
    }
  });

  it('runs a shared step once per request when both the front door and the app run it', async () => {
    const seen: string[] = [];
    const oncePerRequest = oncePerRequestSteps();
    const log = oncePerRequest((_req, _res, next) => {
      seen.push('log');
      next();
    });
    // A second step of the same maker keeps a bit of its own.
    const count = oncePerRequest((_req, _res, next) => {
      seen.push('count');
      next();
    });
    const server = http.createServer(
      frontDoor({
        path: '/graphql',
        steps: [log, count],
        // The app runs the same steps again, as express does for a request handed on.
        rest: (req, res) => log(req, res, () => count(req, res, () => res.end('rest'))),
        onError: (_err, _req, res) => res.end('error'),
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await (await request(`${base}/graphql`, { method: 'POST', body: '{}' })).body.text();
      await (await request(`${base}/other`)).body.text();
      expect(seen).toEqual(['log', 'count', 'log', 'count']);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
