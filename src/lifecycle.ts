import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from './http/error-body';

export type LifecycleState = 'starting' | 'ready' | 'stopping';

/**
 * Where the gateway is in its life, and which requests are still running. On shutdown it stops
 * taking new requests at once (503, `Connection: close`) while those already in flight, uploads
 * included, run to their end; `drained()` says when they have.
 */
export class Lifecycle {
  state: LifecycleState = 'starting';
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  /** Responses counted in flight, until they close or are released. */
  private readonly counted = new WeakSet<ServerResponse>();

  ready(): void {
    if (this.state === 'starting') this.state = 'ready';
  }

  stopping(): void {
    this.state = 'stopping';
    if (this.inFlight === 0) this.wake();
  }

  get running(): number {
    return this.inFlight;
  }

  /** Resolves true when no request is in flight, or false when `graceMs` ran out first. */
  drained(graceMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), graceMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /**
   * First middleware: refuses requests that arrive while stopping, counts the others until they
   * end.
   */
  middleware() {
    return (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => {
      if (this.state === 'stopping') {
        res.setHeader('connection', 'close');
        // Probes may still ask why; everything else is refused.
        const path = (req.url ?? '').split('?')[0];
        if (path === '/readyz' || path === '/healthz') return next();
        res.setHeader('retry-after', '5');
        return sendError(res, 503, 'The gateway is shutting down; send the request again to another instance or later', 'SHUTTING_DOWN');
      }
      this.inFlight++;
      this.counted.add(res);
      res.once('close', () => this.uncount(res));
      // An answer sent after the signal closes its connection, so the client does not reuse it.
      const writeHead = res.writeHead;
      res.writeHead = ((...args: Parameters<ServerResponse['writeHead']>) => {
        if (this.state === 'stopping' && !res.headersSent) res.setHeader('connection', 'close');
        return writeHead.apply(res, args);
      }) as ServerResponse['writeHead'];
      next();
    };
  }

  /**
   * A response that lasts until the gateway stops (a GraphQL over SSE subscription) is no request
   * to wait for: counted, it would hold every shutdown to its grace period. It is ended with the
   * WebSocket subscriptions instead, after the drain.
   */
  release(res: ServerResponse): void {
    this.uncount(res);
  }

  private uncount(res: ServerResponse): void {
    if (!this.counted.delete(res)) return;
    this.inFlight--;
    if (this.inFlight === 0 && this.state === 'stopping') this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
