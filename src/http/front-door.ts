import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** A middleware on node:http alone: what the front door runs must not need express's helpers. */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Makes steps that run at most once per request: the front door runs the same steps as the express
 * app, and a request it hands on must not be logged, counted or authenticated a second time. One
 * maker per app: what ran is a bit per step in one number on the request (under the maker's own
 * symbol), not a WeakSet per step, whose entries (ephemerons, which the GC traces at a cost, eight
 * per request) showed in the lookup profile.
 */
export function oncePerRequestSteps(): (step: NodeMiddleware) => NodeMiddleware {
  const stepsRun = Symbol('steps run');
  let made = 0;
  return (step) => {
    if (made === 31) throw new Error('oncePerRequestSteps: at most 31 steps (one bit each)');
    const bit = 1 << made++;
    return (req, res, next) => {
      const marked = req as IncomingMessage & { [stepsRun]?: number };
      const ran = marked[stepsRun] ?? 0;
      if (ran & bit) return next();
      marked[stepsRun] = ran | bit;
      step(req, res, next);
    };
  };
}

export interface FrontDoorOptions {
  /** The requests it takes: POSTs to this path (no query string needed), and the GETs `takesGet` says. */
  path: string;
  takesGet?: (req: IncomingMessage) => boolean;
  /** Run in order; the last one answers or calls next() to hand the request on. */
  steps: NodeMiddleware[];
  /** Everything else, and whatever the steps hand on: the express app. */
  rest: RequestListener;
  /** What `next(err)` answers (the app's last error handler). */
  onError: (err: unknown, req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * POSTs to /graphql reach the query fast path on node:http, before express. Express gives every
 * request and response its own prototypes (`Object.setPrototypeOf` in app.handle), which slows
 * every later property access on them in Node's HTTP code: measured in `npm run bench`, that was
 * about a third of the gateway's CPU per one-record lookup. The steps are the same middleware
 * express runs (access log, lifecycle, headers, caller auth, credentials; see oncePerRequestSteps);
 * what the fast path does not answer (mutations, uploads, refusals) goes on to express with its
 * body already read, as before.
 */
export function frontDoor(options: FrontDoorOptions): RequestListener {
  const { path, steps, rest, onError, takesGet } = options;
  return (req, res) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const taken = req.method === 'POST' || (req.method === 'GET' && takesGet?.(req) === true);
    if (!taken || (q === -1 ? url : url.slice(0, q)) !== path) return rest(req, res);
    const withLocals = res as ServerResponse & { locals?: Record<string, unknown> };
    // express keeps a res.locals it finds: what the steps record there reaches Apollo's context too.
    withLocals.locals ??= Object.create(null) as Record<string, unknown>;
    let i = 0;
    const next = (err?: unknown): void => {
      if (err !== undefined && err !== null) return onError(err, req, res);
      const step = steps[i++];
      if (!step) return rest(req, res);
      try {
        step(req, res, next);
      } catch (thrown) {
        onError(thrown, req, res);
      }
    };
    next();
  };
}
