import type { NextFunction, Request, Response } from 'express';

/** One upstream request as the emulator saw it: what tests count to prove batching. */
export interface LoggedRequest {
  method: string;
  /** Path without the query string, as received (not decoded). */
  path: string;
  query: string;
  status: number;
  /** The credential the caller presented (an ENCODE access key id or a GDC token id), never a secret. */
  principal?: string;
}

/** Counts requests made to one emulator. Tests reset it, run a query, then count. */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const [path, query = ''] = req.originalUrl.split('?', 2);
      res.on('finish', () => {
        if (path.startsWith('/_sandbox/')) return;
        this.entries.push({
          method: req.method,
          path,
          query,
          status: res.statusCode,
          principal: res.locals.principal as string | undefined,
        });
      });
      next();
    };
  }

  reset(): void {
    this.entries.length = 0;
  }

  count(filter: Partial<Pick<LoggedRequest, 'method'>> & { pathPrefix?: string } = {}): number {
    return this.entries.filter(
      (e) =>
        (!filter.method || e.method === filter.method) &&
        (!filter.pathPrefix || e.path.startsWith(filter.pathPrefix)),
    ).length;
  }
}
