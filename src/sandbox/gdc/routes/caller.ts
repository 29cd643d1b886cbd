import type { Request, Response } from 'express';
import { authorize, type Role, type TokenGrant } from '../auth';
import type { GdcService } from '../service';

export type Caller = (req: Request, res: Response, role: Role) => TokenGrant;

/** Who calls a project endpoint (401/403 in sheepdog's words), then that the project exists (404). */
export function callerOf(service: GdcService, tokens: Record<string, TokenGrant>): Caller {
  return (req, res, role) => {
    const { program, project } = req.params as Record<string, string>;
    const grant = authorize(tokens, req.get('x-auth-token') ?? undefined, role, `${program}-${project}`, (name) => {
      res.locals.principal = name;
    });
    service.requireProject(program, project);
    return grant;
  };
}
