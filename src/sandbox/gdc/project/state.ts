import { userError, type HttpError } from '../errors';
import type { GraphNode } from '../store';

/**
 * Which project states each kind of transaction needs (sheepdog's REQUIRED_PROJECT_STATES). `open` also
 * leaves `submitted`/`processing`: GDC staff reopen a project once harmonization is done, and the sandbox
 * has no harmonization to wait for (inference; sheepdog only reopens from `review`).
 */
export const REQUIRED_PROJECT_STATES = {
  upload: ['open'],
  delete: ['open'],
  review: ['open'],
  open: ['review', 'submitted', 'processing'],
  submit: ['review'],
  release: ['open', 'review', 'submitted', 'processing'],
} as const;

export type ProjectAction = keyof typeof REQUIRED_PROJECT_STATES;

export function projectState(project: GraphNode): string {
  return typeof project.props.state === 'string' ? project.props.state : 'open';
}

/** sheepdog's assert_project_state: a 400 naming the state, the request path and the states that would do. */
export function projectStateRefusal(project: GraphNode, action: ProjectAction, path: string): HttpError | null {
  const allowed: readonly string[] = REQUIRED_PROJECT_STATES[action];
  const state = projectState(project);
  if (allowed.includes(state)) return null;
  return userError(
    `Project is in state '${state}', which prevents ${path}. In order to perform this action, the project must be in state <${allowed.join(' or ')}>.`,
  );
}
