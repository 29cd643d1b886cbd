import { GraphQLError } from 'graphql';
import pLimit from 'p-limit';
import type { GdcApi } from '../../datasources/gdc/client';
import type { GdcDocumentFormat } from '../../datasources/gdc/models';
import { badInput } from '../documents';

/** A file the GDC API produces (export, template), as the GdcFile type shows it. */
export interface GdcFileModel {
  entityType: string;
  format: 'JSON' | 'TSV' | 'CSV';
  fileName: string;
  content: string;
}

const PARALLEL = 8;

/**
 * Submission templates, one GdcFile per type as GDC serves them (`/template/<type>`). JSON gives
 * one file holding every type's template, as GDC's all-types JSON template does.
 */
export async function templates(api: GdcApi, types: string[], format: GdcDocumentFormat): Promise<GdcFileModel[]> {
  const wanted = [...new Set(types.map((t) => t.trim()))];
  if (!wanted.length || wanted.some((t) => !t)) throw badInput('types must name at least one entity type, such as case or sample', 'types');
  const limit = pLimit(PARALLEL);
  // A type that is not a node type is refused before any request (datasources/gdc/client.ts): named with the others.
  const refusals = new Map<string, GraphQLError>();
  const notANode = (type: string) => (err: unknown) => {
    const code = err instanceof GraphQLError ? err.extensions.code : null;
    if (code !== 'BAD_USER_INPUT' && code !== 'NOT_FOUND') return Promise.reject(err);
    refusals.set(type, err as GraphQLError);
    return null;
  };
  const files = await Promise.all(wanted.map((type) => limit(() => api.getTemplate(type, format).catch(notANode(type)))));
  const unknown = wanted.filter((_, i) => !files[i]);
  if (unknown.length) {
    const message = `GDC has no template for ${unknown.map((t) => `'${t}'`).join(', ')}: not a type of its dictionary`;
    // Names that could be node types but are not: NOT_FOUND with the dictionary's closest names, per name.
    const suggestions = Object.fromEntries(unknown.map((t) => [t, (refusals.get(t)?.extensions.suggestions as string[] | undefined) ?? []]));
    if (unknown.some((t) => refusals.get(t)?.extensions.code === 'NOT_FOUND')) {
      const hints = unknown.filter((t) => suggestions[t].length).map((t) => `'${suggestions[t][0]}' for '${t}'`);
      throw new GraphQLError(`${message}.${hints.length ? ` Did you mean ${hints.join(', ')}?` : ''}`, { extensions: { code: 'NOT_FOUND', argument: 'types', names: unknown, suggestions } });
    }
    throw badInput(message, 'types');
  }
  const FORMAT = format.toUpperCase() as GdcFileModel['format'];
  if (format === 'json' && wanted.length > 1) {
    const all = files.map((f) => JSON.parse(f!.content) as unknown);
    return [{ entityType: wanted.join(','), format: FORMAT, fileName: 'submission_templates.json', content: JSON.stringify(all, null, 2) }];
  }
  return files.map((f, i) => ({ entityType: wanted[i], format: FORMAT, fileName: f!.fileName, content: f!.content }));
}
