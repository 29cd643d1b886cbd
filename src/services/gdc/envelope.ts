import type { GdcAnswer, GdcEntityResult, GdcSubmissionResponse } from '../../datasources/gdc/models';
import { ErrorMemo, gdcTransactionalError } from '../errors/gdc';
import { placeEntityErrors } from '../errors/place';
import type { EntityResultModel, SubmissionResultModel } from '../result';
import type { TimeSlices } from '../../time-slices';

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
    const { message, type } = value as { message: string; type?: string };
    return type ? `${type}: ${message}` : message;
  }
  return JSON.stringify(value);
}

/**
 * One shared empty list for the many empty fields of entity results: a 200,000-entity answer
 * would otherwise hold a million empty arrays. Frozen, so no code can fill it for everyone.
 */
const NONE = Object.freeze([]) as unknown as never[];

/** `list.map(fn)`, or the shared empty list. */
function mapped<T, U>(list: T[] | undefined, fn: (item: T) => U): U[] {
  return list && list.length ? list.map(fn) : NONE;
}

/**
 * One copy of each string that repeats across an answer's entities (type, action, project_id, the
 * related cases): JSON.parse makes a new string every time, and 200,000 entities repeat them.
 */
export class Interner {
  private readonly strings = new Map<string, string>();
  /** The answer's error entries already translated (errors/gdc.ts). */
  readonly errors = new ErrorMemo();

  of<T>(value: T): T {
    if (typeof value !== 'string') return value;
    const known = this.strings.get(value);
    if (known !== undefined) return known as T;
    if (this.strings.size < 100_000) this.strings.set(value, value);
    return value;
  }
}

/** The unique keys of an entity result, as GDC answered them. */
export function uniqueKeysOf(e: EntityResultModel): Record<string, unknown>[] {
  if (e.uniqueKeys.length || !e.projectId || !e.submitterId) return e.uniqueKeys;
  return [{ project_id: e.projectId, submitter_id: e.submitterId }];
}

/** One entity of GDC's envelope as an EntityResult; `row` is its line when the input was TSV/CSV. */
export function entityFromGdc(e: GdcEntityResult, index: number, row: number | null, strings: Interner = new Interner()): EntityResultModel {
  const keys = e.unique_keys ?? NONE;
  const only = keys.length === 1 ? keys[0] : null;
  // Nearly always GDC's unique keys are [{project_id, submitter_id}]: kept as the project alone
  // (EntityResult.uniqueKeys rebuilds them), not as an array and an object per entity.
  const plain = only !== null && Object.keys(only).length === 2 && typeof only.project_id === 'string' && typeof only.submitter_id === 'string';
  return {
    index,
    row,
    aliases: NONE,
    action: strings.of(e.action ?? null),
    valid: e.valid,
    id: e.id ?? null,
    type: strings.of(e.type ?? null),
    submitterId: keys.find((k) => k.submitter_id)?.submitter_id ?? null,
    uniqueKeys: plain ? NONE : (keys as Record<string, unknown>[]),
    projectId: plain ? strings.of(only!.project_id!) : null,
    relatedCases: mapped(e.related_cases, (c) => ({ id: strings.of(c.id), submitterId: strings.of(c.submitter_id ?? null) })),
    // GDC's error types are the core of the gateway's vocabulary; its wording becomes plain words (errors/gdc.ts).
    errors: e.errors && e.errors.length ? strings.errors.errorsOf(e.errors, e.type ?? null) : NONE,
    warnings: mapped(e.warnings, text),
  };
}

/** Errors of one entity above which they are translated in turns (entityFromGdcInTurns). */
const MANY_ERRORS = 256;

/** entityFromGdc, giving the event loop turns while it translates an entity's very many errors. */
export async function entityFromGdcInTurns(e: GdcEntityResult, index: number, row: number | null, strings: Interner, slices: TimeSlices): Promise<EntityResultModel> {
  if (!e.errors || e.errors.length <= MANY_ERRORS) return entityFromGdc(e, index, row, strings);
  const errors = await strings.errors.errorsOfInTurns(e.errors, e.type ?? null, slices);
  return { ...entityFromGdc({ ...e, errors: [] }, index, row, strings), errors };
}

/**
 * Any GDC write answer as a SubmissionResult. An envelope (a transaction ran) keeps its counts,
 * related cases and per-entity errors; GDC's short `{message}` form (async submissions, close,
 * refused commits, unreadable documents) becomes a result with that message, never an exception.
 * `entities` are the results already built while the answer streamed in, if it was read so.
 */
export function resultFromAnswer(answer: GdcAnswer, dryRun: boolean, entities?: EntityResultModel[]): SubmissionResultModel {
  const envelope = answer.envelope;
  if (!envelope) {
    const success = answer.status < 300;
    return {
      ...emptyResult(dryRun),
      success,
      message: answer.message || `GDC answered HTTP ${answer.status}`,
      transactionId: answer.transactionId,
      errorCount: success ? 0 : 1,
      transactionalErrors: success ? [] : [answer.message],
      upstreamStatus: answer.status,
    };
  }
  return {
    source: 'GDC',
    success: envelope.success,
    dryRun,
    message: envelope.message,
    transactionId: envelope.transaction_id ?? null,
    createdCount: envelope.created_entity_count ?? 0,
    updatedCount: envelope.updated_entity_count ?? 0,
    deletedCount: envelope.deleted_entity_count ?? null,
    errorCount: (envelope.entity_error_count ?? 0) + (envelope.transactional_error_count ?? 0),
    entities: entities ?? (envelope.entities ?? []).map((e, i) => entityFromGdc(e, i, null)),
    transactionalErrors: (envelope.transactional_errors ?? []).map(gdcTransactionalError),
    upstreamStatus: answer.status,
    casesRelatedToCreatedCount: envelope.cases_related_to_created_entities_count ?? null,
    casesRelatedToUpdatedCount: envelope.cases_related_to_updated_entities_count ?? null,
    chunks: [],
  };
}

export function emptyResult(dryRun: boolean): SubmissionResultModel {
  return {
    source: 'GDC',
    success: false,
    dryRun,
    message: '',
    transactionId: null,
    createdCount: 0,
    updatedCount: 0,
    deletedCount: null,
    errorCount: 0,
    entities: [],
    transactionalErrors: [],
    upstreamStatus: null,
    casesRelatedToCreatedCount: null,
    casesRelatedToUpdatedCount: null,
    chunks: [],
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
  const entities = envelope.entities.map((e, i) => entityFromGdc(e, i, rows[i] ?? null));
  placeEntityErrors(entities, null);
  return resultFromAnswer({ status, envelope, message: envelope.message, transactionId: envelope.transaction_id }, dryRun, entities);
}
