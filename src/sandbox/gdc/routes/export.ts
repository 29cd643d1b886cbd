import { Router, type Request, type Response } from 'express';
import type { TokenGrant } from '../auth';
import { userError } from '../errors';
import { exportEntities, uploadManifest, type Download, type ExportParams } from '../export/service';
import { parseJsonStrict } from '../documents/json';
import type { GdcService } from '../service';
import { callerOf } from './caller';

export function sendDownload(res: Response, download: Download): void {
  res.attachment(download.fileName);
  res.set('content-type', download.contentType);
  res.send(download.body);
}

function idList(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return value.map(String).map((s) => s.trim()).filter(Boolean);
  return String(value).split(',').map((s) => s.trim()).filter(Boolean);
}

/** [Gen3] takes any non-empty `with_children` as true (the guide sends `with_children=with_children`); `false` is false here. */
function flag(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  const text = String(value).trim().toLowerCase();
  return text !== '' && text !== 'false' && text !== '0';
}

/** GET takes the query string; POST a JSON object with the same keys (`ids` a list or a comma-joined string). */
function exportParams(req: Request): ExportParams {
  let args: Record<string, unknown> = req.query as Record<string, unknown>;
  if (req.method === 'POST') {
    const body = typeof req.body === 'string' ? req.body.trim() : '';
    let parsed: unknown = {};
    try {
      parsed = body ? parseJsonStrict(body) : {};
    } catch (err) {
      throw userError(`Unable to parse json: ${(err as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw userError('The export request must be a JSON object');
    args = parsed as Record<string, unknown>;
  }
  return {
    ids: idList(args.ids),
    nodeLabel: args.node_label ? String(args.node_label) : undefined,
    format: args.format ? String(args.format) : 'tsv',
    withChildren: flag(args.with_children),
    category: args.category ? String(args.category) : undefined,
    withoutId: String(args.without_id ?? 'false').toLowerCase() === 'true',
  };
}

/** `/{prog}/{proj}/export` (GET, POST) and `/{prog}/{proj}/manifest` (also `/upload_manifest`), role read. */
export function exportRoutes(service: GdcService, tokens: Record<string, TokenGrant>): Router {
  const router = Router();
  const caller = callerOf(service, tokens);
  const exporter = async (req: Request, res: Response) => {
    caller(req, res, 'read');
    const { program, project } = req.params as Record<string, string>;
    sendDownload(res, await exportEntities(service.store, service.dictionary, `${program}-${project}`, exportParams(req)));
  };
  router.get('/:program/:project/export', exporter);
  router.post('/:program/:project/export', exporter);
  const manifest = (req: Request, res: Response) => {
    caller(req, res, 'read');
    const { program, project } = req.params as Record<string, string>;
    sendDownload(res, uploadManifest(service.store, service.dictionary, `${program}-${project}`, idList(req.query.ids) ?? []));
  };
  router.get('/:program/:project/manifest', manifest);
  router.get('/:program/:project/upload_manifest', manifest);
  return router;
}
