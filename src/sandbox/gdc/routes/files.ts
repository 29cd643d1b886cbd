import { Router, type NextFunction, type Request, type Response } from 'express';
import { authorize, type TokenGrant } from '../auth';
import { HttpError, notFound } from '../errors';
import { S3Error } from '../files/objects';
import { errorResult } from '../files/s3xml';
import { FILE_ACTION_ROLES, type FileAction, type FileReply, type FileService } from '../files/service';
import type { GdcService } from '../service';

/** sheepdog's choice of S3 operation from the method and the query string. */
function actionOf(req: Request): FileAction {
  const q = req.query as Record<string, unknown>;
  switch (req.method) {
    case 'GET':
      if (q.uploadId) return 'list_parts';
      throw new HttpError(405, 'Method GET not allowed on file');
    case 'POST':
      if (q.uploadId) return 'complete_multipart';
      return 'uploads' in q ? 'initiate_multipart' : 'upload';
    case 'PUT':
      return q.partNumber ? 'upload_part' : 'upload';
    case 'DELETE':
      return q.uploadId ? 'abort_multipart' : 'delete';
    default:
      throw new HttpError(405, 'Unsupported file operation');
  }
}

function intParam(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new S3Error(400, 'InvalidArgument', `${name} must be an integer between ${min} and ${max}`, { ArgumentName: name, ArgumentValue: text });
  }
  return Number(text);
}

function reply(res: Response, answer: FileReply): void {
  res.status(answer.status);
  for (const [k, v] of Object.entries(answer.headers ?? {})) res.set(k, v);
  if (answer.json !== undefined) return void res.json(answer.json);
  res.type('text/xml');
  res.send(answer.xml ?? '');
}

/**
 * `/{PROG}/{PROJ}/files/{uuid}[/_dry_run]`, the S3-compatible file endpoint gdc-client speaks. Mounted before
 * any body parser: bytes stream from the socket to disk. gdc-client upper-cases program and project, so
 * they are matched without regard to case.
 */
export function fileRoutes(service: GdcService, files: FileService, tokens: Record<string, TokenGrant>): Router {
  const router = Router();
  const handler = (dryRun: boolean) => async (req: Request, res: Response) => {
    const action = actionOf(req);
    const { program, project, id } = req.params as Record<string, string>;
    const projectNode = service.findProjectIgnoringCase(program, project);
    const projectId = projectNode ? String(projectNode.props.name ?? `${program}-${project}`) : `${program}-${project}`;
    authorize(tokens, req.get('x-auth-token') ?? undefined, FILE_ACTION_ROLES[action], projectId, (name) => {
      res.locals.principal = name;
    });
    if (!projectNode) throw notFound(`Project ${project} not found in program ${program}`);
    const q = req.query as Record<string, unknown>;
    const answer = await files.handle({
      projectId,
      id,
      action,
      dryRun,
      uploadId: q.uploadId ? String(q.uploadId) : undefined,
      partNumber: action === 'upload_part' ? intParam(q.partNumber, 'partNumber', 1, 10000) : undefined,
      maxParts: intParam(q['max-parts'], 'max-parts', 0, 1000),
      partNumberMarker: intParam(q['part-number-marker'], 'part-number-marker', 0, 10000),
      body: req,
      baseUrl: `${req.protocol}://${req.get('host')}`,
    });
    reply(res, answer);
  };
  router.all('/:program/:project/files/:id', handler(false));
  router.all('/:program/:project/files/:id/_dry_run', handler(true));
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof S3Error)) return next(err);
    res.status(err.status).type('text/xml').send(errorResult(err, req.path));
  });
  return router;
}
