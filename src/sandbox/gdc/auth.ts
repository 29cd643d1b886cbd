import { forbidden, unauthorized } from './errors';

export type TokenRoles = 'all' | 'read';
export interface TokenGrant {
  name: string;
  roles: TokenRoles;
  /** Project ids (PROGRAM-PROJECT) the token may act on; every project when absent. */
  projects?: string[];
}

export type Role = 'read' | 'create' | 'update' | 'delete' | 'release' | 'review' | 'open' | 'submit';

/**
 * Who a token is and whether it may act: a missing token is 401, an unknown one or one without the role
 * on the project is 403, in sheepdog's AuthError wording. The result names the caller (never the secret).
 */
export function authorize(
  tokens: Record<string, TokenGrant>,
  token: string | undefined,
  role: Role,
  projectId: string,
  identified: (name: string) => void = () => undefined,
): TokenGrant {
  if (!token) throw unauthorized('Authentication Error: please provide an X-Auth-Token header');
  const grant = tokens[token];
  if (!grant) throw forbidden('the token is not recognised');
  identified(grant.name);
  if ((grant.roles === 'read' && role !== 'read') || (grant.projects && !grant.projects.includes(projectId))) {
    throw forbidden(`you don't have ${role} role in project ${projectId}`);
  }
  return grant;
}
