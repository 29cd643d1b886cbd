import type { IncomingMessage, ServerResponse } from 'node:http';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * A middleware whose headers do not depend on the request (helmet's, with a fixed policy), run
 * once at start-up; every response then gets the recorded headers in one pass. helmet's dozen
 * small middlewares per request were a measurable share of a lookup's latency (`npm run bench`).
 */
export function precomputedHeaders(middleware: Middleware): Middleware {
  const set = new Map<string, string | number | readonly string[]>();
  const removed = new Set<string>();
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      set.set(name.toLowerCase(), value);
      removed.delete(name.toLowerCase());
      return recorder;
    },
    removeHeader: (name: string) => {
      set.delete(name.toLowerCase());
      removed.add(name.toLowerCase());
    },
    getHeader: (name: string) => set.get(name.toLowerCase()),
  };
  let ran = false;
  middleware({ headers: {}, method: 'GET', url: '/' } as IncomingMessage, recorder as unknown as ServerResponse, (err) => {
    if (err) throw err;
    ran = true;
  });
  if (!ran) throw new Error('precomputedHeaders: the middleware did not call next() synchronously');
  const headers = [...set];
  const removals = [...removed];
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    for (const name of removals) res.removeHeader(name);
    next();
  };
}
