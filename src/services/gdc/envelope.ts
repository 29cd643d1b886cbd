import type { GdcEntityResult, GdcSubmissionResponse } from '../../datasources/gdc/models';
import { type EntityResultModel, type SubmissionResultModel, emptyEntity } from '../result';

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
    const { message, type } = value as { message: string; type?: string };
    return type ? `${type}: ${message}` : message;
  }
  return JSON.stringify(value);
}

function entity(e: GdcEntityResult, index: number, row: number | null): EntityResultModel {
  return {
    ...emptyEntity(index, row),
    action: e.action ?? null,
    valid: e.valid,
    id: e.id ?? null,
    type: e.type ?? null,
    submitterId: e.unique_keys?.find((k) => k.submitter_id)?.submitter_id ?? null,
    uniqueKeys: (e.unique_keys ?? []) as Record<string, unknown>[],
    relatedCases: (e.related_cases ?? []).map((c) => ({ id: c.id, submitterId: c.submitter_id ?? null })),
    // GDC's error types (NOT_UNIQUE, INVALID_LINK, …) are already the gateway's vocabulary.
    errors: (e.errors ?? []).map((err) => ({
      type: err.type ?? 'ERROR',
      message: err.message ?? JSON.stringify(err),
      keys: Array.isArray(err.keys) ? err.keys.map(String) : [],
      location: null,
    })),
    warnings: (e.warnings ?? []).map(text),
  };
}

/**
 * Shapes GDC's upload envelope as a SubmissionResult. `rows` gives the document line of each
 * entity when the input was TSV/CSV, so errors can name the row.
 */
export function fromGdcEnvelope(
  envelope: GdcSubmissionResponse,
  status: number,
  dryRun: boolean,
  rows: (number | null)[] = [],
): SubmissionResultModel {
  return {
    source: 'GDC',
    success: envelope.success,
    dryRun,
    message: envelope.message,
    transactionId: envelope.transaction_id ?? null,
    createdCount: envelope.created_entity_count ?? 0,
    updatedCount: envelope.updated_entity_count ?? 0,
    errorCount: (envelope.entity_error_count ?? 0) + (envelope.transactional_error_count ?? 0),
    entities: (envelope.entities ?? []).map((e, i) => entity(e, i, rows[i] ?? null)),
    transactionalErrors: (envelope.transactional_errors ?? []).map(text),
    upstreamStatus: status,
    casesRelatedToCreatedCount: envelope.cases_related_to_created_entities_count ?? null,
    casesRelatedToUpdatedCount: envelope.cases_related_to_updated_entities_count ?? null,
    chunks: [],
  };
}
