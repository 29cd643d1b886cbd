import { stringify } from 'csv-stringify/sync';
import { TimeSlices } from '../../../time-slices';
import type { DocumentScan } from './scan';
import { delimitedCells, headerNames, jsonElements } from './scan';
import type { GdcDocument } from './source';

/**
 * The order entities are sent in: parents first (by the type's rank in the dictionary), the input
 * order kept within a type; types GDC does not know go last, where they fail on their own.
 */
export function sendOrder(scan: DocumentScan, ranks: Map<string, number>): number[] {
  const last = Math.max(0, ...ranks.values()) + 1;
  const rankOf = scan.types.map((t) => ranks.get(t) ?? last);
  const order = Array.from({ length: scan.count }, (_, i) => i);
  return order.sort((a, b) => rankOf[scan.typeIndex[a]] - rankOf[scan.typeIndex[b]] || a - b);
}

export interface DocumentChunk {
  index: number;
  /** Input positions of the chunk's entities, in the order they are in the chunk. */
  entities: number[];
  body: Buffer;
}

/**
 * The chunks of a document, each a document of its own (same format; TSV/CSV keep the header),
 * built as they are needed. One streaming pass serves every stretch of the send order that keeps
 * input order, so a document already sorted parents-first is read once, else once per type.
 */
export async function* documentChunks(doc: GdcDocument, order: number[], chunkSize: number): AsyncGenerator<DocumentChunk> {
  // Records already parsed arrive as resolved promises: without turns, skipping a 10,000-row stretch
  // or cutting a 1000-row chunk kept every other caller waiting (issue 16: a job's p99 for others).
  const slices = new TimeSlices();
  const source = doc.format === 'json' ? jsonEntities(doc) : delimitedEntities(doc);
  const build = doc.format === 'json' ? jsonBody : (header: string[] | null, parts: unknown[]) => delimitedBody(doc, header, parts, slices);
  let parts: unknown[] = [];
  let members: number[] = [];
  let header: string[] | null = null;
  let chunkIndex = 0;
  let position = 0;
  for (const [start, end] of increasingRuns(order)) {
    for await (const entity of source()) {
      await slices.pause();
      header = entity.header;
      if (entity.index !== order[position]) continue;
      parts.push(entity.content);
      members.push(entity.index);
      position++;
      if (members.length === chunkSize || position === order.length) {
        yield { index: chunkIndex++, entities: members, body: await build(header, parts) };
        parts = [];
        members = [];
      }
      if (position === end) break;
    }
    if (position !== end) throw new Error(`the document changed while it was read (entity ${order[position]} of run ${start}-${end} is missing)`);
  }
}

interface SourcedEntity {
  index: number;
  content: unknown;
  header: string[] | null;
}

function jsonEntities(doc: GdcDocument) {
  return async function* (): AsyncGenerator<SourcedEntity> {
    let index = 0;
    for await (const json of jsonElements(doc)) yield { index: index++, content: json, header: null };
  };
}

function delimitedEntities(doc: GdcDocument) {
  return async function* (): AsyncGenerator<SourcedEntity> {
    let header: string[] | null = null;
    let typeColumn = -1;
    let index = 0;
    for await (const cells of delimitedCells(doc)) {
      if (!header) {
        header = cells;
        typeColumn = headerNames(cells).indexOf('type');
        continue;
      }
      if (!cells[typeColumn]?.trim()) continue;
      yield { index: index++, content: cells, header };
    }
  };
}

async function jsonBody(_header: string[] | null, parts: unknown[]): Promise<Buffer> {
  return Buffer.from(`[${(parts as string[]).join(',\n')}]`, 'utf8');
}

/** Rows written by one csv-stringify call: about a millisecond of work. */
const ROWS_PER_PIECE = 100;

/** The chunk as a TSV/CSV document: its header, then its rows a piece at a time with turns between (each row is quoted on its own, so pieces join as one call would write them). */
async function delimitedBody(doc: GdcDocument, header: string[] | null, parts: unknown[], slices: TimeSlices): Promise<Buffer> {
  const options = { delimiter: doc.format === 'csv' ? ',' : '\t' };
  const rows = parts as string[][];
  const text = [stringify([header ?? []], options)];
  for (let i = 0; i < rows.length; i += ROWS_PER_PIECE) {
    await slices.pause();
    text.push(stringify(rows.slice(i, i + ROWS_PER_PIECE), options));
  }
  return Buffer.from(text.join(''), 'utf8');
}

/** Maximal stretches [start, end) of `order` whose values increase: each can be read in one pass. */
export function increasingRuns(order: number[]): [number, number][] {
  const runs: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= order.length; i++) {
    if (i === order.length || order[i] < order[i - 1]) {
      runs.push([start, i]);
      start = i;
    }
  }
  return runs;
}

/**
 * What `source` yields, asking it for the next item as soon as the current one is handed out: the
 * next chunk is cut from the spool while the current one is a transaction upstream.
 */
export async function* readAhead<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = source.next();
  try {
    for (;;) {
      const item = await next;
      if (item.done) return;
      next = source.next();
      yield item.value;
    }
  } finally {
    next.catch(() => undefined); // the caller stopped early: what was read ahead is dropped
    await source.return(undefined);
  }
}
