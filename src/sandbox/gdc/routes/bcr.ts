import { Router, type Request, type Response } from 'express';
import type { TokenGrant } from '../auth';
import { BcrParseError, convertBcr, type BcrKind } from '../bcr/convert';
import { userError } from '../errors';
import type { GdcService } from '../service';
import { callerOf } from './caller';
import { asyncFlag, requestPath, send } from './submission';

/**
 * `PUT /{prog}/{proj}/xml/biospecimen/bcr` and `/xml/clinical/bcr` (+ `/_dry_run`): the raw BCR XML is
 * converted to entities and submitted as an upsert (role update), the XML kept as the logged document.
 * An entity that exists keeps the properties the XML does not carry (a mapping has far fewer than the
 * dictionary requires, and the guide shows XML updating entities created from JSON); a new one must be
 * complete from the XML alone.
 */
export function bcrRoutes(service: GdcService, tokens: Record<string, TokenGrant>): Router {
  const router = Router();
  const caller = callerOf(service, tokens);
  const handler = (kind: BcrKind, dryRun: boolean) => (req: Request, res: Response) => {
    const grant = caller(req, res, 'update');
    const { program, project } = req.params as Record<string, string>;
    const body = typeof req.body === 'string' ? req.body : '';
    const projectId = `${program}-${project}`;
    let docs: unknown[];
    try {
      docs = convertBcr(kind, body, {
        dictionary: service.dictionary,
        exists: (type, props) =>
          [...service.store.ofType(type)].some(
            (n) => (n.project_id === null || n.project_id === projectId) && Object.entries(props).every(([k, v]) => n.props[k] === v),
          ),
      });
    } catch (err) {
      if (err instanceof BcrParseError) throw userError(`Unable to parse xml: ${err.message}`);
      throw err;
    }
    const reply = service.submit({
      program,
      project,
      role: 'update',
      // TCGA XML carries a part of what the dictionary requires: an existing entity keeps the rest.
      merge: true,
      dryRun,
      async: asyncFlag(req),
      body,
      docs,
      docFormat: 'XML',
      documentName: req.get('x-document-name') ?? null,
      submitter: grant.name,
      path: requestPath(req),
    });
    send(res, reply);
  };
  for (const kind of ['biospecimen', 'clinical'] as const) {
    router.put(`/:program/:project/xml/${kind}/bcr`, handler(kind, false));
    router.put(`/:program/:project/xml/${kind}/bcr/_dry_run`, handler(kind, true));
  }
  return router;
}
