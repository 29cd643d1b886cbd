import type { GdcApi } from '../../datasources/gdc/client';
import { DEFAULT_MAX_COLUMNS } from '../../rules/shared/columns';
import type { GdcProjectRef } from '../../datasources/gdc/models';
import type { CreateEntitiesInput } from '../../generated/resolvers-types';
import { badInput } from '../documents';
import type { SubmissionResultModel } from '../result';
import { sendInChunks } from './chunked';
import { openDocument } from './document/input';
import { checkHeader, entityRows } from './document/rows';
import { scanDocument } from './document/scan';
import { type SendOptions, sendDocument } from './transaction';

/**
 * createEntities for GDC: one transaction (POST, or PUT with upsert; `async` answers at once with
 * the transaction id), or with `chunkSize` several, parents first. The document streams from the
 * caller to a spool and from there upstream; it is read again, never held whole.
 */
export async function createEntities(
  api: GdcApi,
  project: GdcProjectRef,
  input: CreateEntitiesInput,
  maxBytes: number,
  parentRanks: Map<string, number> | null = null,
  maxColumns: number = DEFAULT_MAX_COLUMNS,
): Promise<SubmissionResultModel> {
  const options: SendOptions = { method: input.upsert ? 'PUT' : 'POST', dryRun: input.dryRun ?? false, async: input.async ?? false };
  const chunkSize = checkChunkSize(input.chunkSize, options);
  const doc = await openDocument(input, maxBytes, maxColumns);
  try {
    if (chunkSize) {
      // Chunks need every entity's type before the first is sent.
      const scan = await scanDocument(doc);
      if (scan.count > 0) return await sendInChunks(api, project, doc, options, chunkSize, scan, parentRanks);
    }
    if (doc.format === 'json') return await sendDocument(api, project, doc, options, null);
    // The TSV/CSV lines of entities (so errors name rows) are counted while the document goes up.
    await checkHeader(doc);
    const rows = entityRows(doc).catch(() => null); // GDC reads the document itself and says what is wrong with it
    return await sendDocument(api, project, doc, options, rows);
  } finally {
    await doc.dispose();
  }
}

function checkChunkSize(chunkSize: number | null | undefined, options: SendOptions): number | null {
  if (chunkSize === null || chunkSize === undefined) return null;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw badInput(`chunkSize must be a positive integer, got ${chunkSize}`, 'chunkSize');
  if (options.dryRun) {
    throw badInput(
      'chunkSize cannot be combined with dryRun: a chunk links to entities that earlier chunks create, which a dry run never writes. Dry-run the whole document without chunkSize.',
      'chunkSize',
    );
  }
  if (options.async) {
    throw badInput('chunkSize cannot be combined with async: each chunk must have succeeded before the next one is sent.', 'chunkSize');
  }
  return chunkSize;
}
