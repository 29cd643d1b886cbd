import type { GdcApi } from '../../datasources/gdc/client';
import type { GdcProjectRef } from '../../datasources/gdc/models';
import { Dictionary } from '../../rules/gdc/dictionary/model';
import { splitAll } from '../../rules/gdc/dictionary/load';
import type { JsonObject } from '../../rules/gdc/dictionary/resolve';
import { parentFirstRanks } from '../../rules/gdc/dictionary/order';
import { upstreamError } from '../../datasources/upstream-error';
import { type EntityResultModel, type SubmissionResultModel, type TransactionChunkModel, emptyEntity } from '../result';
import { documentChunks, readAhead, sendOrder } from './document/chunks';
import type { DocumentScan } from './document/scan';
import { type GdcDocument, memoryDocument } from './document/source';
import { emptyResult } from './envelope';
import { type SendOptions, sendDocument } from './transaction';

/**
 * A large submission as several transactions of at most `chunkSize` entities, parents first
 * (dictionary order), sent one after the other. Each chunk is all or nothing on its own; the first
 * one that fails stops the rest, so no chunk links to entities a failed one should have made.
 */
export async function sendInChunks(
  api: GdcApi,
  project: GdcProjectRef,
  doc: GdcDocument,
  options: SendOptions,
  chunkSize: number,
  scan: DocumentScan,
  parentRanks: Map<string, number> | null = null,
): Promise<SubmissionResultModel> {
  const order = sendOrder(scan, parentRanks ?? (await readParentRanks(api)));
  const total = Math.ceil(order.length / chunkSize);
  const results: (EntityResultModel | undefined)[] = new Array(scan.count);
  const chunks: TransactionChunkModel[] = [];
  const sums = { created: 0, updated: 0, errors: 0, status: null as number | null, transactional: [] as string[] };
  for await (const sent of sendChunks(api, project, doc, options, chunkSize, scan, order)) {
    for (const e of sent.entities) results[e.index] = e;
    chunks.push(sent.chunk);
    sums.created += sent.result.createdCount;
    sums.updated += sent.result.updatedCount;
    sums.errors += sent.result.errorCount;
    sums.status = sent.result.upstreamStatus;
    sums.transactional.push(...sent.transactionalErrors);
    if (!sent.result.success) break;
  }
  const sent = chunks.length;
  for (let k = sent; k < total; k++) {
    const members = order.slice(k * chunkSize, (k + 1) * chunkSize);
    const why = `not sent: chunk ${sent} failed, and later chunks may link to what it should have created`;
    members.forEach((input) => (results[input] = notSent(input, scan, why)));
    chunks.push({ index: k, transactionId: null, success: false, message: `Not sent: chunk ${sent} failed.`, firstIndex: members[0], count: members.length });
  }
  const entities = results.map((e, i) => e ?? notSent(i, scan, 'not sent'));
  const success = chunks.every((c) => c.success);
  return {
    ...emptyResult(false),
    success,
    message: summary(chunks, chunkSize, success),
    transactionId: total === 1 ? chunks[0].transactionId : null,
    createdCount: sums.created,
    updatedCount: sums.updated,
    errorCount: sums.errors,
    entities,
    transactionalErrors: sums.transactional,
    upstreamStatus: sums.status,
    casesRelatedToCreatedCount: distinctCases(entities, 'create'),
    casesRelatedToUpdatedCount: distinctCases(entities, 'update'),
    chunks,
  };
}

/** One chunk sent: its transaction, its entities (numbered by input position) and the upstream's answer. */
export interface SentChunk {
  chunk: TransactionChunkModel;
  entities: EntityResultModel[];
  result: SubmissionResultModel;
  transactionalErrors: string[];
}

/**
 * The chunks of `order` sent one after the other, each answered before the next is read: what
 * createEntities with chunkSize collects and a job records chunk by chunk (src/jobs/work/gdc.ts).
 * `fromChunk` skips chunks already sent (a resumed job); `firstOptions` sends the first one
 * differently (a resumed job re-sends it as PUT, so a chunk that landed unrecorded is not created twice).
 */
export async function* sendChunks(
  api: GdcApi,
  project: GdcProjectRef,
  doc: GdcDocument,
  options: SendOptions,
  chunkSize: number,
  scan: DocumentScan,
  order: number[],
  fromChunk = 0,
  firstOptions: SendOptions = options,
): AsyncGenerator<SentChunk> {
  const total = Math.ceil(order.length / chunkSize);
  for await (const part of readAhead(documentChunks(doc, order.slice(fromChunk * chunkSize), chunkSize))) {
    const index = part.index + fromChunk;
    const name = `${doc.filename ?? 'document'} (chunk ${index + 1} of ${total})`;
    const rows = scan.rows ? { lines: part.entities.map((i) => scan.rows![i]), columns: scan.columns ?? [] } : null;
    const r = await sendDocument(api, project, memoryDocument(part.body, doc.format, name), part.index === 0 ? firstOptions : options, rows);
    const entities = part.entities.map((input, j) => {
      const e = r.entities[j];
      return e ? { ...e, index: input } : notSent(input, scan, `chunk ${index + 1} answered no result for this entity`);
    });
    const chunk = { index, transactionId: r.transactionId, success: r.success, message: r.message, firstIndex: part.entities[0], count: part.entities.length };
    yield { chunk, entities, result: r, transactionalErrors: r.transactionalErrors.map((t) => `chunk ${index + 1}: ${t}`) };
  }
}

/** Without the typed graph's ranks (no dictionary read at start yet): from GDC's dictionary now. */
export async function readParentRanks(api: GdcApi): Promise<Map<string, number>> {
  const all = await api.getDictionary('_all');
  if (!all || typeof all !== 'object') throw upstreamError('GDC', 404, all, '', 'GET dictionary _all');
  return parentFirstRanks(new Dictionary(splitAll(all as Record<string, JsonObject>)));
}

export function notSent(index: number, scan: DocumentScan, why: string): EntityResultModel {
  const type = scan.types[scan.typeIndex[index]] || null;
  return { ...emptyEntity(index, scan.rows?.[index] ?? null), type, warnings: [why] };
}

/** As GDC counts them per transaction: distinct cases related to the entities with that action. */
function distinctCases(entities: EntityResultModel[], action: string): number {
  return new Set(entities.filter((e) => e.action === action).flatMap((e) => e.relatedCases.map((c) => c.id))).size;
}

export function summary(chunks: TransactionChunkModel[], chunkSize: number, success: boolean): string {
  const ids = (list: TransactionChunkModel[]) => list.map((c) => c.transactionId ?? '?').join(', ');
  if (success) return `Transaction successful: ${chunks.length} chunk(s) of at most ${chunkSize} entities, parents first (transactions ${ids(chunks)}).`;
  const failed = chunks.find((c) => !c.success && c.transactionId !== null) ?? chunks.find((c) => !c.success)!;
  const written = chunks.filter((c) => c.success);
  const unsent = chunks.filter((c) => c.transactionId === null && c !== failed);
  return [
    `Chunk ${failed.index + 1} of ${chunks.length} failed: ${failed.message}`,
    written.length ? `Chunks 1-${written.length} were written (transactions ${ids(written)}).` : 'Nothing was written.',
    unsent.length ? `${unsent.length} later chunk(s) were not sent.` : '',
    written.length ? 'Fix the failing entities and re-run with upsert: true to finish without duplicates.' : '',
  ]
    .filter(Boolean)
    .join(' ');
}
