import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import type { GdcApi, GdcDownload } from '../../datasources/gdc/client';
import type { GdcDocumentFormat, GdcProjectRef } from '../../datasources/gdc/models';
import { badInput } from '../documents';
import type { GdcFileModel } from './templates';

/**
 * Entities exported as submission documents, one GdcFile per entity type as GDC names them
 * (`case.tsv`); GDC sends several types as a .tar.gz, unpacked here. JSON is one file holding
 * every entity, keyed by type as GDC writes it.
 */
export async function exportFiles(api: GdcApi, project: GdcProjectRef, ids: string[], format: GdcDocumentFormat, withChildren: boolean): Promise<GdcFileModel[]> {
  if (!ids.length) throw badInput('ids is empty: name the entities to export', 'ids');
  const download = await api.exportEntities(project, ids, format, withChildren);
  const FORMAT = format.toUpperCase() as GdcFileModel['format'];
  if (format === 'json') {
    const content = download.body.toString('utf8');
    return [{ entityType: jsonTypes(content).join(','), format: FORMAT, fileName: download.fileName ?? 'gdc_export.json', content }];
  }
  if (isGzip(download.body)) {
    const entries = await untar(gunzipSync(download.body));
    return entries.map((e) => ({ entityType: typeOf(e.name), format: FORMAT, fileName: e.name, content: e.content }));
  }
  const content = download.body.toString('utf8');
  const fileName = download.fileName ?? `export.${format}`;
  return [{ entityType: download.fileName ? typeOf(download.fileName) : firstType(content, format), format: FORMAT, fileName, content }];
}

/** The upload manifest (YAML) of data file entities, as gdc-client reads it. */
export async function manifestOf(api: GdcApi, project: GdcProjectRef, ids: string[]): Promise<string> {
  if (!ids.length) throw badInput('ids is empty: name the data file entities of the manifest', 'ids');
  const download: GdcDownload = await api.manifest(project, ids);
  return download.body.toString('utf8');
}

const typeOf = (fileName: string) => fileName.replace(/\.(tsv|csv|json)$/i, '');

function isGzip(bytes: Buffer): boolean {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The types of a JSON export: [GDC] keys entities by type; [Gen3] sends one list of entities. */
function jsonTypes(content: string): string[] {
  const value = JSON.parse(content) as unknown;
  if (Array.isArray(value)) return [...new Set(value.map((e) => String((e as { type?: unknown })?.type ?? '')).filter(Boolean))];
  if (value && typeof value === 'object') {
    const data = (value as { data?: unknown }).data;
    return Array.isArray(data) ? jsonTypes(JSON.stringify(data)) : Object.keys(value);
  }
  return [];
}

function firstType(content: string, format: GdcDocumentFormat): string {
  const [header, row] = content.split(/\r?\n/, 2);
  const cells = (line?: string) => (line ?? '').split(format === 'csv' ? ',' : '\t');
  return cells(row)[cells(header).indexOf('type')] ?? '';
}

async function untar(tar: Buffer): Promise<{ name: string; content: string }[]> {
  const entries: { name: string; content: string }[] = [];
  const extractor = extract();
  const done = new Promise<void>((resolve, reject) => {
    extractor.on('entry', (header, stream, next) => {
      const parts: Buffer[] = [];
      stream.on('data', (c: unknown) => void parts.push(c as Buffer));
      stream.on('end', () => {
        if (header.type === 'file') entries.push({ name: header.name.replace(/^.*\//, ''), content: Buffer.concat(parts).toString('utf8') });
        next();
      });
      stream.resume();
    });
    extractor.on('finish', resolve);
    extractor.on('error', reject);
  });
  Readable.from([tar]).pipe(extractor);
  await done;
  return entries;
}
