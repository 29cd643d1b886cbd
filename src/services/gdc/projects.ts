import { GraphQLError } from 'graphql';
import type { GdcApi } from '../../datasources/gdc/client';
import { unknownName } from '../not-found';

/**
 * NOT_FOUND with the nearest project ids when GDC has no such project; null when it has. Asked only
 * once an answer came back empty (no entity, no count), so a project that exists costs nothing more.
 */
export async function projectNotFound(api: GdcApi, project: string): Promise<GraphQLError | null> {
  const known = await api.projectIds();
  return known.includes(project) ? null : unknownName('GDC project', project, known, 'project');
}

/** NOT_FOUND with the nearest node types, for a type the dictionary does not have. */
export async function nodeTypeNotFound(api: GdcApi, type: string, argument = 'type'): Promise<GraphQLError> {
  return unknownName('GDC node type', type, await api.dictionaryTypes(), argument);
}

/**
 * What a project-scoped read answers, with a missing project made NOT_FOUND with suggestions:
 * GDC's own "Project X not found in program Y" (404), or an empty answer (`empty`) for a project
 * GDC does not list.
 */
export async function inProject<T>(api: GdcApi, project: string, read: () => Promise<T>, empty: (value: T) => boolean): Promise<T> {
  let value: T;
  try {
    value = await read();
  } catch (err) {
    const ext = err instanceof GraphQLError ? err.extensions : undefined;
    if (ext?.upstreamStatus === 404 && /(project|program) .*not found/i.test(String(ext.upstreamMessage ?? ''))) throw (await projectNotFound(api, project)) ?? err;
    throw err;
  }
  if (empty(value)) {
    const missing = await projectNotFound(api, project);
    if (missing) throw missing;
  }
  return value;
}
