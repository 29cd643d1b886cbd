import { Router, type Request, type Response } from 'express';
import type { TokenGrant } from '../auth';
import type { ProjectTransition } from '../project/transaction';
import type { GdcService } from '../service';
import { callerOf } from './caller';
import { asyncFlag, requestPath, send } from './submission';

const TRANSITIONS: ProjectTransition[] = ['open', 'review', 'submit', 'release'];

/** The project release workflow: `/open`, `/review`, `/submit`, `/release` and their `_dry_run`s (PUT or POST, role release). */
export function projectRoutes(service: GdcService, tokens: Record<string, TokenGrant>): Router {
  const router = Router();
  const caller = callerOf(service, tokens);
  const transition = (action: ProjectTransition, dryRun: boolean) => (req: Request, res: Response) => {
    const grant = caller(req, res, 'release');
    const { program, project } = req.params as Record<string, string>;
    send(res, service.transition(program, project, action, dryRun, grant.name, asyncFlag(req), requestPath(req)));
  };
  for (const action of TRANSITIONS) {
    for (const method of ['put', 'post'] as const) {
      router[method](`/:program/:project/${action}`, transition(action, false));
      router[method](`/:program/:project/${action}/_dry_run`, transition(action, true));
    }
  }
  return router;
}
