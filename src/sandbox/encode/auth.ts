import type { NextFunction, Request, Response } from 'express';
import { unauthorized } from './errors';
import type { Portal } from './portal';
import { ANONYMOUS, type AccessKey, type Principal } from './principals';

/**
 * HTTP Basic auth with access keys, as encoded checks them: no header is anonymous, a wrong
 * key or secret is 401. The request log records the key id, never the secret.
 */
export function basicAuth(portal: Portal, keys: AccessKey[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    if (!header) {
      res.locals.caller = ANONYMOUS;
      return next();
    }
    const m = /^Basic\s+(.+)$/i.exec(header);
    const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
    const sep = decoded.indexOf(':');
    const [id, secret] = sep < 0 ? [decoded, ''] : [decoded.slice(0, sep), decoded.slice(sep + 1)];
    res.locals.principal = id || undefined;
    const key = keys.find((k) => k.id === id);
    if (!key || key.secret !== secret) return next(unauthorized(`Access key ${JSON.stringify(id)} is unknown or its secret is wrong`));
    res.locals.caller = portal.principalFor(key) satisfies Principal;
    next();
  };
}
