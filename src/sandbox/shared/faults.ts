import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ConfigError } from '../../config';

/**
 * One fault to inject into an emulator's answers, for requests whose method and path match.
 * Several effects may combine: latency first, then one of reset / hang / error / dropResponse.
 */
export interface FaultRule {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Regular expression tested against the path (query string excluded); any path when absent. */
  path?: string;
  /** Added before the request is handled. */
  latencyMs?: number;
  /** Fraction (0..1) of matching requests answered with `status` instead of being handled. */
  errorRate?: number;
  /** Status of injected errors; 503 by default. */
  status?: number;
  /** `Retry-After` sent with injected errors (seconds, or an HTTP date), as a throttling upstream does. */
  retryAfter?: number | string;
  /** Close the connection without an answer, before handling (nothing is written). */
  reset?: boolean;
  /** Never answer: the request waits until the client gives up. Nothing is written. */
  hang?: boolean;
  /** Handle the request (the write lands), then close the connection instead of answering. */
  dropResponse?: boolean;
  /** Apply to at most this many matching requests, then stop matching. */
  times?: number;
}

interface ActiveRule extends FaultRule {
  pattern: RegExp | null;
  applied: number;
}

/**
 * The sandbox's fault switch: rules from `SANDBOX_FAULTS` (a JSON array) at start, changed at run
 * time through `/_sandbox/faults` (GET lists, PUT replaces, POST adds, DELETE clears). It lives in
 * the emulators only; the gateway knows nothing of it.
 */
export class FaultSwitch {
  private rules: ActiveRule[] = [];

  constructor(initial: FaultRule[] = []) {
    this.set(initial);
  }

  static fromEnv(value = process.env.SANDBOX_FAULTS): FaultSwitch {
    if (!value?.trim()) return new FaultSwitch();
    try {
      return new FaultSwitch(validRules(JSON.parse(value)));
    } catch (err) {
      throw new ConfigError(`SANDBOX_FAULTS must be a JSON array of fault rules: ${(err as Error).message}`);
    }
  }

  set(rules: FaultRule[]): void {
    this.rules = [];
    this.add(rules);
  }

  add(rules: FaultRule[]): void {
    for (const rule of validRules(rules)) this.rules.push({ ...rule, pattern: rule.path ? new RegExp(rule.path) : null, applied: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  list(): (FaultRule & { applied: number })[] {
    return this.rules.map(({ pattern: _p, ...rule }) => rule);
  }

  private match(req: Request): ActiveRule | undefined {
    const path = req.originalUrl.split('?')[0];
    return this.rules.find(
      (r) =>
        (!r.method || r.method.toUpperCase() === req.method) &&
        (!r.pattern || r.pattern.test(path)) &&
        (r.times === undefined || r.applied < r.times),
    );
  }

  /** Mount first in an emulator's app: the admin routes, then the faults for every other request. */
  middleware(): Router {
    const router = express.Router();
    const admin = express.Router();
    admin.use(express.json({ type: () => true }));
    admin.get('/', (_req, res) => void res.json(this.list()));
    admin.put('/', (req, res) => {
      this.set(asArray(req.body));
      res.json(this.list());
    });
    admin.post('/', (req, res) => {
      this.add(asArray(req.body));
      res.json(this.list());
    });
    admin.delete('/', (_req, res) => {
      this.clear();
      res.json([]);
    });
    admin.use((err: Error, _req: Request, res: Response, _next: NextFunction) => void res.status(400).json({ message: err.message }));
    router.use('/_sandbox/faults', admin);
    router.use((req, res, next) => this.apply(req, res, next));
    return router;
  }

  private apply(req: Request, res: Response, next: NextFunction): void {
    const rule = this.match(req);
    if (!rule) return next();
    rule.applied++;
    const act = () => {
      if (rule.reset) return void req.socket.destroy();
      if (rule.hang) return; // the socket stays open until the client or the server closes it
      if (rule.errorRate !== undefined && Math.random() < rule.errorRate) {
        const status = rule.status ?? 503;
        if (rule.retryAfter !== undefined) res.setHeader('retry-after', String(rule.retryAfter));
        return void res.status(status).json({ message: `Injected fault: HTTP ${status}`, code: status });
      }
      if (rule.dropResponse) dropAfterHandling(req, res);
      next();
    };
    if (rule.latencyMs) setTimeout(act, rule.latencyMs);
    else act();
  }
}

/** Lets the handler run to completion (its write lands), then closes the socket instead of answering. */
function dropAfterHandling(req: Request, res: Response): void {
  const drop = () => {
    req.socket.destroy();
    return res;
  };
  res.writeHead = drop as unknown as Response['writeHead'];
  res.write = (() => true) as Response['write'];
  res.end = drop as unknown as Response['end'];
}

function asArray(body: unknown): FaultRule[] {
  return Array.isArray(body) ? (body as FaultRule[]) : [body as FaultRule];
}

const KEYS = new Set(['method', 'path', 'latencyMs', 'errorRate', 'status', 'retryAfter', 'reset', 'hang', 'dropResponse', 'times']);

function validRules(value: unknown): FaultRule[] {
  if (!Array.isArray(value)) throw new Error('fault rules must be a JSON array');
  return value.map((rule, i) => {
    if (!rule || typeof rule !== 'object' || Array.isArray(rule)) throw new Error(`fault rule ${i} must be an object`);
    const unknown = Object.keys(rule).filter((k) => !KEYS.has(k));
    if (unknown.length) throw new Error(`fault rule ${i} has unknown keys: ${unknown.join(', ')} (known: ${[...KEYS].join(', ')})`);
    const r = rule as FaultRule;
    if (r.path !== undefined) new RegExp(r.path); // throws a clear SyntaxError for a bad pattern
    if (r.errorRate !== undefined && !(r.errorRate >= 0 && r.errorRate <= 1)) throw new Error(`fault rule ${i}: errorRate must be between 0 and 1`);
    return r;
  });
}
