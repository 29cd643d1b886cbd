import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { methodNotAllowed, notFound, PortalError } from './errors';
import { type Frame, Portal } from './portal';
import { isAdmin, type Principal } from './principals';
import { profileFor, type TypeInfo } from './profiles';
import { search } from './search';
import type { Item } from './store';

const FRAMES = new Set(['object', 'edit', 'embedded', 'page']);

/** The portal's HTTP surface: profiles, search, items by any identifier, writes and @@upload. */
export function portalRoutes(portal: Portal): express.Router {
  const router = express.Router();
  const caller = (res: Response) => res.locals.caller as Principal;
  const query = (req: Request) => req.originalUrl.split('?').slice(1).join('?');
  const success = (res: Response, status: number, graph: unknown[]) => res.status(status).json({ status: 'success', '@type': ['result'], '@graph': graph });

  router.get('/', (_req, res) => void res.json({ '@id': '/', '@type': ['Portal'], title: 'ENCODE portal (sandbox)' }));

  // Profiles change only with a deploy (changeProfile): rendered once per view and revision, with
  // an ETag for revalidation.
  const served = new Map<boolean, { body: string; etag: string }>();
  let servedRevision = portal.profiles.revision;
  const allProfiles = (admin: boolean) => {
    if (servedRevision !== portal.profiles.revision) {
      served.clear();
      servedRevision = portal.profiles.revision;
    }
    let cached = served.get(admin);
    if (!cached) {
      const all: Record<string, unknown> = { '@type': ['JSONSchemas'] };
      const subtypes: Record<string, string[]> = {};
      for (const info of portal.profiles.types.values()) {
        all[info.name] = profileFor(info.schema, admin);
        subtypes[info.name] = info.abstract ? info.subtypes : [info.name];
      }
      all._subtypes = subtypes;
      const body = JSON.stringify(all);
      cached = { body, etag: `"${createHash('sha1').update(body).digest('hex')}"` };
      served.set(admin, cached);
    }
    return cached;
  };

  router.get(['/profiles', '/profiles/'], (req, res) => {
    const { body, etag } = allProfiles(isAdmin(caller(res)));
    res.setHeader('ETag', etag);
    if (req.headers['if-none-match'] === etag) return void res.status(304).end();
    res.type('json').send(body);
  });

  router.get('/profiles/:name', (req, res, next) => {
    const info = portal.profiles.get(String(req.params.name).replace(/\.json$/, ''));
    if (!info) return next(notFound(req.path));
    res.json(profileFor(info.schema, isAdmin(caller(res))));
  });

  router.get(['/search', '/search/'], (req, res) => {
    const answer = search(portal, caller(res), query(req));
    res.status(answer.status).json(answer.body);
  });

  router.all(/.*/, (req, res, next) => {
    const parts = req.path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
    const method = req.method;
    const p = caller(res);

    if (parts.at(-1) === '@@upload') {
      const item = lookup(portal, parts.slice(0, -1));
      if (!item || item.itemType !== 'file') return next(notFound(req.path));
      if (method === 'POST') return success(res, 200, [portal.objectFrame(portal.renewUpload(item, p), p)]);
      if (method === 'GET') {
        if (!portal.canEdit(p, item)) return next(new PortalError(403, 'HTTPForbidden', 'Forbidden', 'Access was denied to this resource.'));
        return void res.json({ '@graph': [{ '@id': portal.ids.atId(item), upload_credentials: portal.uploadCredentials(item) ?? null }] });
      }
      return next(methodNotAllowed(method));
    }

    const at = parts.indexOf('@@download');
    if (at > 0 && method === 'GET') {
      const item = lookup(portal, parts.slice(0, at));
      const file = item && portal.canRead(p, item) ? portal.download(item, parts[at + 1], parts.slice(at + 2).join('/')) : undefined;
      if (!file) return next(notFound(req.path));
      return void res.type(file.type).send(file.data);
    }

    const collection = parts.length === 1 ? portal.profiles.get(parts[0]) : undefined;
    if (collection && (parts[0] === collection.collection || parts[0] === collection.itemType)) {
      if (method === 'POST') {
        const item = portal.create(collection, Portal.parseBody(String(req.body ?? '')), p);
        res.location(portal.ids.atId(item));
        return success(res, 201, [portal.objectFrame(item, p)]);
      }
      if (method === 'GET') return void res.json(listing(portal, collection, p, req.query.limit));
      return next(methodNotAllowed(method));
    }

    const item = lookup(portal, parts);
    if (!item) return next(notFound(req.path));
    if (method === 'GET' || method === 'HEAD') {
      const canonical = portal.ids.atId(item);
      if (req.path !== canonical) {
        const qs = query(req);
        return void res.redirect(301, qs ? `${canonical}?${qs}` : canonical);
      }
      if (!portal.canRead(p, item)) return next(new PortalError(403, 'HTTPForbidden', 'Forbidden', 'Access was denied to this resource.', 'Unauthorized: view failed permission check'));
      const frame = String(req.query.frame ?? 'page');
      if (!FRAMES.has(frame)) return next(new PortalError(400, 'HTTPBadRequest', 'Bad Request', `Unknown frame ${frame}`));
      if (frame === 'edit') {
        if (!portal.canEdit(p, item)) return next(new PortalError(403, 'HTTPForbidden', 'Forbidden', 'Access was denied to this resource.', 'Unauthorized: edit failed permission check'));
        res.setHeader('ETag', `"${item.uuid}:${item.version}"`);
      }
      return void res.json(portal.render(item, frame as Frame, p));
    }
    if (method === 'PATCH' || method === 'PUT') {
      const ifMatch = req.headers['if-match'];
      if (ifMatch && ifMatch !== `"${item.uuid}:${item.version}"`) {
        return next(new PortalError(412, 'HTTPPreconditionFailed', 'Precondition Failed', 'Request conditional on ETag failed.', 'The item changed since you read it'));
      }
      const body = Portal.parseBody(String(req.body ?? ''));
      const updated = method === 'PATCH' ? portal.patch(item, body, p) : portal.put(item, body, p);
      return success(res, 200, [portal.objectFrame(updated, p)]);
    }
    next(methodNotAllowed(method));
  });

  return router;
}

/** snovault's error envelope for every failure, auth included. */
export function portalErrors(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (err instanceof PortalError) return void res.status(err.code).json(err.body());
  if ((err as { type?: string }).type === 'entity.too.large') return void res.status(413).json({ '@type': ['HTTPRequestEntityTooLarge', 'Error'], status: 'error', code: 413, title: 'Request Entity Too Large', description: 'The body is too large.' });
  const message = err instanceof Error ? err.message : String(err);
  res.status(500).json({ '@type': ['HTTPInternalServerError', 'Error'], status: 'error', code: 500, title: 'Internal Server Error', description: message });
}

/** `/<id>/` at the root or `/<collection>/<key>/`. */
function lookup(portal: Portal, parts: string[]): Item | undefined {
  if (parts.length === 1) return portal.ids.root(parts[0]);
  if (parts.length === 2) {
    const info = portal.profiles.byCollectionName(parts[0]) ?? portal.profiles.get(parts[0]);
    return info ? portal.ids.inCollection(info, parts[1]) : undefined;
  }
  return undefined;
}

function listing(portal: Portal, info: TypeInfo, p: Principal, limitParam: unknown) {
  const items = portal.store.all().filter((i) => portal.profiles.isA(i.itemType, info.name) && portal.canRead(p, i));
  const limit = limitParam === 'all' ? Infinity : Number(limitParam ?? 25) || 25;
  return {
    '@id': `/${info.collection}/`,
    '@type': [`${info.name}Collection`, 'Collection'],
    '@graph': items.slice(0, limit).map((i) => portal.objectFrame(i, p)),
    total: items.length,
  };
}
