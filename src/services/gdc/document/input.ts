import type { CreateEntitiesInput } from '../../../generated/resolvers-types';
import type { GdcDocumentFormat } from '../../../datasources/gdc/models';
import { ColumnCounter, ColumnLimitError } from '../../../rules/shared/columns';
import { badInput, detectFormat, documentLimitError } from '../../documents';
import { type GdcDocument, memoryDocument, spoolUpload } from './source';

/**
 * The one document of a GDC submission, from exactly one of `entities`, `document` or `file`.
 * Entities and documents came inside the GraphQL request and stay in memory; a file is spooled to
 * disk as it arrives, never held whole.
 */
export async function openDocument(input: Pick<CreateEntitiesInput, 'entities' | 'document' | 'file' | 'format'>, maxBytes: number, maxColumns: number): Promise<GdcDocument> {
  const doc = await documentOf(input, maxBytes);
  if (doc.format === 'json') return doc;
  try {
    await checkDocumentColumns(doc, maxColumns);
  } catch (err) {
    await doc.dispose();
    throw err instanceof ColumnLimitError ? documentLimitError(err, input.file ? 'file' : 'document') : err;
  }
  return doc;
}

/**
 * Counts the cells of every record of a TSV/CSV document in one streaming pass, before any reader
 * (csv-parse, the row scanner, GDC itself) builds a row of them. Pieces come with turns of the
 * event loop between them, from memory too (source.ts).
 */
async function checkDocumentColumns(doc: GdcDocument, maxColumns: number): Promise<void> {
  const counter = new ColumnCounter(doc.format === 'csv' ? 0x2c : 0x09, maxColumns, true, `${doc.format.toUpperCase()} document`);
  const source = doc.open();
  try {
    for await (const chunk of source) counter.write(chunk as Buffer);
  } finally {
    source.destroy();
  }
}

async function documentOf(input: Pick<CreateEntitiesInput, 'entities' | 'document' | 'file' | 'format'>, maxBytes: number): Promise<GdcDocument> {
  const given = [input.entities != null, input.document != null, input.file != null].filter(Boolean).length;
  if (given !== 1) throw badInput('Give exactly one of entities, document or file', 'input');
  const format = input.format ? (input.format.toLowerCase() as GdcDocumentFormat) : null;
  if (input.entities) {
    if (!input.entities.length) throw badInput('entities is empty: nothing to submit', 'entities');
    input.entities.forEach((e, i) => {
      if (!e || typeof e !== 'object' || Array.isArray(e)) throw badInput(`entities[${i}] must be a JSON object`, 'entities');
    });
    return memoryDocument(JSON.stringify(input.entities), 'json');
  }
  if (input.file) return spoolUpload(input.file, maxBytes, format);
  const text = input.document as string;
  if (!text.trim()) throw badInput('The document is empty: nothing to submit', 'document');
  return memoryDocument(text, detectFormat(text, null, format));
}
