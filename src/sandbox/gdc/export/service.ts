import { createHash } from 'node:crypto';
import { dump } from 'js-yaml';
import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import { tarGz } from '../archive';
import { notFound, userError } from '../errors';
import type { GraphNode, GraphView } from '../store';
import { byType, exportNodes, nodesOfType } from './collect';
import { exportDelimited, exportDocument, type ExportFormat, type RenderContext } from './render';

export interface ExportParams {
  ids?: string[];
  nodeLabel?: string;
  format: string;
  withChildren: boolean;
  category?: string;
  withoutId: boolean;
}

export interface Download {
  fileName: string;
  contentType: string;
  body: Buffer;
}

const FORMATS: readonly ExportFormat[] = ['json', 'tsv', 'csv'];

/** `GET|POST /{prog}/{proj}/export`: the entities as one file per type, or one archive / JSON object for several. */
export async function exportEntities(view: GraphView, dictionary: Dictionary, projectId: string, params: ExportParams): Promise<Download> {
  const format = params.format.toLowerCase() as ExportFormat;
  if (!FORMATS.includes(format)) throw userError(`Format ${params.format} not supported`);
  let nodes: GraphNode[];
  if (params.ids?.length) {
    const found = exportNodes(view, dictionary, { projectId, ids: params.ids, withChildren: params.withChildren, category: params.category });
    if (!found.nodes.length) throw notFound(`Unable to find ${params.ids.join(', ')}`);
    nodes = found.nodes;
  } else if (params.nodeLabel) {
    const nodeType = dictionary.get(params.nodeLabel);
    if (!nodeType) throw userError(`dictionary does not have node with type ${params.nodeLabel}`);
    nodes = nodesOfType(view, nodeType.type, projectId);
  } else {
    throw userError('expected either `ids` or `node_label` parameter');
  }
  const ctx: RenderContext = { dictionary, view, withoutId: params.withoutId };
  const groups = byType(nodes);
  const single = params.nodeLabel && !params.ids?.length ? params.nodeLabel : groups.size === 1 ? [...groups.keys()][0] : null;
  if (format === 'json') {
    // [GDC] keys the entities by type (sheepdog HEAD flattens them into one list).
    const keyed = Object.fromEntries([...groups].map(([type, group]) => [type, group.map((n) => exportDocument(ctx, n))]));
    if (single && !groups.size) keyed[single] = [];
    const fileName = single ? `${single}.json` : `gdc_export_${exportSha(nodes)}.json`;
    return { fileName, contentType: 'application/json', body: Buffer.from(`${JSON.stringify(keyed, null, 2)}\n`, 'utf8') };
  }
  const files = [...groups].map(([type, group]) => ({ name: `${type}.${format}`, content: exportDelimited(ctx, type, group, format) }));
  if (single) {
    const content = files[0]?.content ?? exportDelimited(ctx, single, [], format);
    return { fileName: `${single}.${format}`, contentType: 'application/octet-stream', body: Buffer.from(content, 'utf8') };
  }
  return { fileName: `gdc_export_${exportSha(nodes)}.tar.gz`, contentType: 'application/octet-stream', body: await tarGz(files) };
}

/** sheepdog's one-time name: a sha512 of the time and the exported ids. */
function exportSha(nodes: GraphNode[]): string {
  const sha = createHash('sha512').update(String(Date.now() / 1000));
  for (const node of nodes) sha.update(node.id);
  return sha.digest('hex');
}

/**
 * `GET /{prog}/{proj}/manifest?ids=`: the gdc-client upload manifest, each file's export JSON plus
 * `local_file_path` (= file_name), as YAML with sorted keys like PyYAML's safe_dump.
 */
export function uploadManifest(view: GraphView, dictionary: Dictionary, projectId: string, ids: string[]): Download {
  if (!ids.length) throw userError("No ids specified. Use query parameter 'ids', e.g. 'ids=id1,id2'.");
  const { nodes } = exportNodes(view, dictionary, { projectId, ids, withChildren: false });
  if (!nodes.length) throw notFound(`Unable to find ${ids.join(', ')}`);
  const notFiles = nodes.filter((n) => dictionary.get(n.type)?.category !== 'data_file');
  if (notFiles.length) throw userError(notFiles.map((n) => `${n.type} ${n.id} is not a data file.`).join(' '));
  const ctx: RenderContext = { dictionary, view, withoutId: false };
  const files = [...byType(nodes).values()].flat().map((n) => {
    const doc = exportDocument(ctx, n);
    return { local_file_path: doc.file_name ?? null, ...doc };
  });
  return { fileName: 'submission_manifest.yaml', contentType: 'application/x-yaml; charset=utf-8', body: Buffer.from(dump({ files }, { sortKeys: true }), 'utf8') };
}
