import type { GdcApi } from '../../datasources/gdc/client';
import type { GdcProjectRef } from '../../datasources/gdc/models';
import type { LostResponse } from '../../datasources/lost-response';
import { type EntityResultModel, type SubmissionResultModel, emptyEntity } from '../result';
import type { EntityKey } from './document/scan';
import type { GdcSubmissionResponse } from '../../datasources/gdc/models';
import { placeEntityErrors } from '../errors/place';
import { emptyResult, resultFromAnswer } from './envelope';
import { transactionLog } from './log';

/** Network time either way between the gateway and GDC that the window allows for. */
const TRANSIT_MS = 250;
/** How far the clocks may disagree when GDC sent no Date header (then the gateway's clock is used). */
const NO_DATE_MS = 5000;
const IDS_PER_QUERY = 200;
const TYPE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Found {
  id: string;
  submitterId: string | null;
  created: number;
  updated: number;
}

export interface LostWrite {
  /** The entities of the document, in order. */
  keys: EntityKey[];
  method: 'POST' | 'PUT' | 'PATCH';
  /** TSV/CSV line of each entity. */
  rows: (number | null)[] | null;
  /** TSV/CSV header columns (so errors name their column); null for JSON. */
  columns?: string[] | null;
  /** The unique document name the request carried (X-Document-Name), kept in GDC's transaction log. */
  documentName: string | null;
}

/**
 * After a write's answer was lost, finds out what it did before anything is reported. First in
 * GDC's transaction log, by the unique document name the request carried: the log has the
 * transaction's state and its whole answer. Failing that (the request never reached GDC, or the
 * log cannot be read), each entity is looked up by submitter_id (by id when it has none) through
 * the submission GraphQL. GDC transactions are all or nothing, so one entity written by this
 * request proves the whole transaction landed, and one that a POST found already there proves it
 * did not. "Written by this request" means created (or, for PUT/PATCH, updated) after the request
 * was sent, on GDC's own clock: the lookup's Date header less the time since sending.
 */
export async function reconcile(api: GdcApi, project: GdcProjectRef, lost: LostResponse, write: LostWrite): Promise<SubmissionResultModel> {
  const { keys, method, rows } = write;
  const logged = write.documentName ? await fromTransactionLog(api, project, lost, write).catch(() => null) : null;
  if (logged) return logged;
  const projectId = `${project.program}-${project.project}`;
  let found: (Found | null)[];
  let window: Window;
  try {
    const lookup = await lookUp(api, projectId, keys);
    found = lookup.found;
    window = sendWindow(lookup.upstreamNow, lost.sentAt);
  } catch (err) {
    return unknownResult(lost, keys, rows, `looking the entities up afterwards failed too (${(err as Error).message})`);
  }
  // Written by this request: created (PUT/PATCH: or updated) after it was sent, for certain.
  const landed = found.map((f) => (f ? f.created >= window.latest || (method !== 'POST' && f.updated >= window.latest) : false));
  const preExisting = method === 'POST' && found.some((f) => f && f.created < window.earliest);
  if (preExisting) return notLandedResult(lost, keys, found, rows);
  if (landed.some(Boolean)) return landedResult(lost, keys, found, landed, window.latest, rows);
  const ambiguous = found.some((f) => f && !(f.created < window.earliest));
  if (ambiguous) {
    return unknownResult(lost, keys, rows, `entities were found (by submitter_id in ${projectId}) created within a second of the request, too close to tell whether by it`);
  }
  if (!keys.length) return unknownResult(lost, keys, rows, 'the gateway cannot look the entities up: GDC makes them from the XML itself');
  const what = keys.length === 1 ? 'the entity was not' : `none of the ${keys.length} entities was`;
  return unknownResult(lost, keys, rows, `${what} found written since the request was sent (looked up by submitter_id in ${projectId}); the transaction may have failed, or may still be running upstream`);
}

/** How far back the log is searched for the request's document: other writes may have come in since. */
const RECENT_TRANSACTIONS = 50;

/** The transaction that carried this request's document, from GDC's log, as a result; null if it is not there. */
async function fromTransactionLog(api: GdcApi, project: GdcProjectRef, lost: LostResponse, write: LostWrite): Promise<SubmissionResultModel | null> {
  const recent = `query Recent($project: [String], $first: Int) {
    transaction_log(project_id: $project, first: $first, order_by_desc: "id") { id documents { name } }
  }`;
  const answer = await api.graphql(recent, { project: [`${project.program}-${project.project}`], first: RECENT_TRANSACTIONS });
  if (answer.errors.length) return null;
  const logs = ((answer.data as { transaction_log?: { id: unknown; documents?: { name?: unknown }[] }[] } | null)?.transaction_log ?? []);
  const match = logs.find((l) => (l.documents ?? []).some((d) => d.name === write.documentName));
  if (!match) return null;
  const log = await transactionLog(api, project, Number(match.id));
  if (!log) return null;
  const found = `${lost.message}; found in GDC's transaction log as transaction ${log.id} (${log.state})`;
  const response = log.documents[0]?.response as GdcSubmissionResponse | null | undefined;
  if (log.state === 'PENDING' || !response || !Array.isArray(response.entities)) {
    const checked = log.state === 'PENDING' ? `transaction ${log.id} is still running upstream; look at gdcTransaction(id: ${log.id})` : `transaction ${log.id} ended ${log.state} without an answer in the log`;
    return { ...unknownResult(lost, write.keys, write.rows, checked), transactionId: log.id };
  }
  const result = resultFromAnswer({ status: response.code, envelope: response, message: response.message, transactionId: log.id }, false);
  // The log says what GDC did; the entities themselves, looked up by submitter_id, confirm it.
  const confirmed = result.success ? await confirm(api, project, write.keys).catch(() => null) : null;
  const entities = result.entities.map((e, i) => {
    const lookedUp = confirmed?.[i];
    const note =
      !result.success || !e.action ? found : lookedUp ? `${found}; confirmed by ${write.keys[i]?.submitterId ? 'submitter_id' : 'id'}` : `${found}; not confirmed: not found by submitter_id`;
    return { ...e, row: write.rows?.[i] ?? null, action: result.success && confirmed && !lookedUp ? 'unknown' : e.action, warnings: [...e.warnings, note] };
  });
  placeEntityErrors(entities, write.columns ?? null);
  const unconfirmed = entities.filter((e) => e.action === 'unknown').length;
  return {
    ...result,
    success: result.success && unconfirmed === 0,
    entities,
    message: `GDC's answer was lost (${lost.reason}); transaction ${log.id} in its log answered: ${result.message}`,
  };
}

/** Which entities GDC has now, by submitter_id (or id): null where one is missing. */
async function confirm(api: GdcApi, project: GdcProjectRef, keys: EntityKey[]): Promise<(Found | null)[]> {
  return (await lookUp(api, `${project.program}-${project.project}`, keys)).found;
}

interface Window {
  /** When the request reached GDC, on GDC's clock: no earlier than this, no later than `latest`. */
  earliest: number;
  latest: number;
}

/**
 * When the request reached GDC, on GDC's own clock: its Date header at the look-up (whole seconds,
 * so the true time is up to a second later) less the time since the request was sent.
 */
function sendWindow(upstreamNow: { date: number | null }, sentAt: number): Window {
  const elapsed = Date.now() - sentAt;
  if (upstreamNow.date === null) return { earliest: sentAt - NO_DATE_MS, latest: sentAt + NO_DATE_MS };
  return { earliest: upstreamNow.date - elapsed - TRANSIT_MS, latest: upstreamNow.date + 1000 - elapsed + TRANSIT_MS };
}

async function lookUp(api: GdcApi, projectId: string, keys: EntityKey[]): Promise<{ found: (Found | null)[]; upstreamNow: { date: number | null } }> {
  const found: (Found | null)[] = keys.map(() => null);
  const upstreamNow: { date: number | null } = { date: null };
  const bySubmitter = new Map<string, Map<string, number[]>>();
  const byId = new Map<string, Map<string, number[]>>();
  keys.forEach((k, i) => {
    if (!TYPE_NAME.test(k.type)) return; // GDC cannot have written an entity of a type it cannot name
    const [map, key] = k.submitterId ? [bySubmitter, k.submitterId] : k.id ? [byId, k.id] : [null, ''];
    if (!map) return;
    const ofType = map.get(k.type) ?? new Map<string, number[]>();
    map.set(k.type, ofType);
    ofType.set(key, [...(ofType.get(key) ?? []), i]);
  });
  for (const [arg, map] of [['submitter_id', bySubmitter], ['ids', byId]] as const) {
    for (const [type, wanted] of map) {
      const values = [...wanted.keys()];
      for (let i = 0; i < values.length; i += IDS_PER_QUERY) {
        const batch = values.slice(i, i + IDS_PER_QUERY);
        const query = `query Reconcile($project: [String], $values: [String]) {
          found: ${type}(project_id: $project, ${arg}: $values, first: 0) { id submitter_id created_datetime updated_datetime }
        }`;
        const answer = await api.graphql(query, { project: [projectId], values: batch });
        if (answer.errors.length) throw new Error(answer.errors.join('; '));
        if (answer.date !== null) upstreamNow.date = answer.date;
        const rowsFound = ((answer.data as { found?: Record<string, unknown>[] } | null)?.found ?? []) as Record<string, unknown>[];
        for (const row of rowsFound) {
          const key = arg === 'ids' ? String(row.id) : String(row.submitter_id);
          for (const index of wanted.get(key) ?? []) {
            found[index] = {
              id: String(row.id),
              submitterId: typeof row.submitter_id === 'string' ? row.submitter_id : null,
              created: Date.parse(String(row.created_datetime)),
              updated: Date.parse(String(row.updated_datetime ?? row.created_datetime)),
            };
          }
        }
      }
    }
  }
  return { found, upstreamNow };
}

function base(keys: EntityKey[], rows: (number | null)[] | null): EntityResultModel[] {
  return keys.map((k, i) => ({ ...emptyEntity(i, rows?.[i] ?? null), type: k.type || null, submitterId: k.submitterId, id: k.id }));
}

function landedResult(
  lost: LostResponse,
  keys: EntityKey[],
  found: (Found | null)[],
  landed: boolean[],
  after: number,
  rows: (number | null)[] | null,
): SubmissionResultModel {
  const entities = base(keys, rows).map((e, i) => {
    const f = found[i];
    if (!f || !landed[i]) {
      return { ...e, action: 'unknown', warnings: [`${lost.message}; the transaction landed, but this entity was not found afterwards by submitter_id`] };
    }
    const action = f.created >= after ? 'create' : 'update';
    const when = new Date(action === 'create' ? f.created : f.updated).toISOString();
    return { ...e, id: f.id, valid: true, action, warnings: [`${lost.message}; found afterwards by ${keys[i].submitterId ? 'submitter_id' : 'id'}, ${action}d at ${when}`] };
  });
  const unknown = entities.filter((e) => e.action === 'unknown').length;
  return {
    ...emptyResult(false),
    success: unknown === 0,
    message: `GDC's answer was lost (${lost.reason}); the entities were found afterwards, written by this request: the transaction went through.`,
    createdCount: entities.filter((e) => e.action === 'create').length,
    updatedCount: entities.filter((e) => e.action === 'update').length,
    entities,
    upstreamStatus: lost.status,
  };
}

function notLandedResult(lost: LostResponse, keys: EntityKey[], found: (Found | null)[], rows: (number | null)[] | null): SubmissionResultModel {
  const entities = base(keys, rows).map((e, i) => ({
    ...e,
    id: found[i]?.id ?? e.id,
    warnings: [
      found[i]
        ? `${lost.message}; this entity existed before the request, so GDC refused the POST (use upsert to update it)`
        : `${lost.message}; not written: another entity of the POST already existed, and GDC writes all or nothing`,
    ],
  }));
  return {
    ...emptyResult(false),
    message: `GDC's answer was lost (${lost.reason}); looked up afterwards, some entities existed before this POST, so GDC refused it and wrote nothing.`,
    errorCount: entities.length,
    entities,
    transactionalErrors: [lost.message],
    upstreamStatus: lost.status,
  };
}

function unknownResult(lost: LostResponse, keys: EntityKey[], rows: (number | null)[] | null, checked: string): SubmissionResultModel {
  const warning = `${lost.message}; ${checked}. Look at gdcTransactions before re-running, or re-run with upsert: true (no duplicates either way).`;
  return {
    ...emptyResult(false),
    message: `GDC's answer was lost (${lost.reason}) and the outcome is unknown: ${checked}.`,
    errorCount: keys.length,
    entities: base(keys, rows).map((e) => ({ ...e, action: 'unknown', warnings: [warning] })),
    transactionalErrors: [lost.message],
    upstreamStatus: lost.status,
  };
}
