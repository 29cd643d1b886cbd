import { Router, type Request, type Response } from 'express';
import type { TokenGrant } from '../auth';
import { callerOf } from './caller';
import { userError } from '../errors';
import type { GdcService, Reply } from '../service';

export function asyncFlag(req: Request): boolean {
  const value = req.query.async;
  if (value === undefined) return false;
  const text = String(value).toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw userError('Boolean value not one of [true, false]');
}

export function send(res: Response, reply: Reply): void {
  res.status(reply.status).json(reply.body);
}

/** The path GDC names in "Project is in state …, which prevents <path>". */
export function requestPath(req: Request): string {
  return req.originalUrl.split('?')[0];
}

/** The project endpoints: uploads (POST/PUT/PATCH, dry runs), entities (GET, DELETE), transaction commit and close. */
export function submissionRoutes(service: GdcService, tokens: Record<string, TokenGrant>): Router {
  const router = Router();

  const caller = callerOf(service, tokens);

  const upload = (role: 'create' | 'update', dryRun: boolean, patch = false) => (req: Request, res: Response) => {
    const grant = caller(req, res, role);
    const { program, project } = req.params as Record<string, string>;
    const body = typeof req.body === 'string' ? req.body : '';
    send(
      res,
      service.submit({
        program,
        project,
        role,
        patch,
        dryRun,
        async: asyncFlag(req),
        body,
        contentType: req.get('content-type'),
        documentName: req.get('x-document-name') ?? null,
        submitter: grant.name,
        path: requestPath(req),
      }),
    );
  };

  router.post('/:program/:project', upload('create', false));
  router.put('/:program/:project', upload('update', false));
  router.patch('/:program/:project', upload('update', false, true));
  router.post('/:program/:project/_dry_run', upload('create', true));
  router.put('/:program/:project/_dry_run', upload('update', true));
  router.patch('/:program/:project/_dry_run', upload('update', true, true));

  router.get('/:program/:project/entities/:ids', (req, res) => {
    caller(req, res, 'read');
    const { program, project, ids } = req.params as Record<string, string>;
    send(res, service.entities(program, project, ids.split(',').map((id) => id.trim()).filter(Boolean)));
  });

  const remove = (dryRun: boolean) => (req: Request, res: Response) => {
    const grant = caller(req, res, 'delete');
    const { program, project, ids } = req.params as Record<string, string>;
    send(res, service.deleteEntities(program, project, ids.split(',').map((id) => id.trim()).filter(Boolean), dryRun, grant.name, requestPath(req)));
  };
  router.delete('/:program/:project/entities/_dry_run/:ids', remove(true));
  router.delete('/:program/:project/entities/:ids', remove(false));

  const transaction = (action: 'commit' | 'close') => (req: Request, res: Response) => {
    const grant = caller(req, res, action === 'close' ? 'update' : 'create');
    const { program, project, id } = req.params as Record<string, string>;
    const n = Number(id);
    if (!/^\d+$/.test(id)) throw userError(`Invalid transaction id: ${id}`);
    send(res, action === 'commit' ? service.commit(program, project, n, grant.name, asyncFlag(req), requestPath(req)) : service.close(program, project, n));
  };
  for (const method of ['post', 'put'] as const) {
    router[method]('/:program/:project/transactions/:id/commit', transaction('commit'));
    router[method]('/:program/:project/transactions/:id/close', transaction('close'));
  }
  return router;
}
