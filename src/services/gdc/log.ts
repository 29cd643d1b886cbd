import { GraphQLError } from 'graphql';
import type { GdcApi } from '../../datasources/gdc/client';
import type { GdcProjectRef } from '../../datasources/gdc/models';
import { badInput } from '../documents';

/** A transaction log entry, as the GdcTransaction type shows it. */
export interface GdcTransactionModel {
  id: number;
  state: string;
  isDryRun: boolean;
  closed: boolean;
  committable: boolean;
  committedBy: number | null;
  createdDatetime: string | null;
  documents: Record<string, unknown>[];
}

/** The fields both peregrine and GDC's submission GraphQL have (GDC's `committable` field is not in peregrine: it is computed here). */
const FIELDS = 'id is_dry_run closed committed_by state created_datetime documents { id name doc_format doc_size doc response_json }';

/** One transaction of a project's log, read through the submission GraphQL; null when there is none. */
export async function transactionLog(api: GdcApi, project: GdcProjectRef, id: number): Promise<GdcTransactionModel | null> {
  const query = `query Transaction($project: [String], $id: ID) { transaction_log(project_id: $project, id: $id) { ${FIELDS} } }`;
  const [log] = await logs(api, query, { project: [projectIdOf(project)], id: String(id) });
  return log ?? null;
}

/** A project's transactions, newest first. */
export async function transactionLogs(api: GdcApi, project: GdcProjectRef, first: number, offset: number): Promise<GdcTransactionModel[]> {
  if (!Number.isInteger(first) || first < 1 || first > 1000) throw badInput('first must be between 1 and 1000', 'first');
  if (!Number.isInteger(offset) || offset < 0) throw badInput('offset must be 0 or more', 'offset');
  const query = `query Transactions($project: [String], $first: Int, $offset: Int) {
    transaction_log(project_id: $project, first: $first, offset: $offset, order_by_desc: "id") { ${FIELDS} }
  }`;
  return logs(api, query, { project: [projectIdOf(project)], first, offset });
}

const projectIdOf = (p: GdcProjectRef) => `${p.program}-${p.project}`;

async function logs(api: GdcApi, query: string, variables: Record<string, unknown>): Promise<GdcTransactionModel[]> {
  const answer = await api.graphql(query, variables);
  if (answer.errors.length) {
    throw new GraphQLError(`GDC's submission GraphQL refused the transaction_log query: ${answer.errors.join('; ')}`, {
      extensions: { code: 'UPSTREAM_ERROR', upstream: 'GDC', upstreamErrors: answer.errors },
    });
  }
  const rows = ((answer.data as { transaction_log?: Record<string, unknown>[] } | null)?.transaction_log ?? []) as Record<string, unknown>[];
  return rows.map(toModel);
}

function toModel(row: Record<string, unknown>): GdcTransactionModel {
  const state = String(row.state ?? '');
  const isDryRun = row.is_dry_run === true;
  const closed = row.closed === true;
  const committedBy = row.committed_by === null || row.committed_by === undefined ? null : Number(row.committed_by);
  return {
    id: Number(row.id),
    state,
    isDryRun,
    closed,
    committable: isDryRun && state === 'SUCCEEDED' && !closed && committedBy === null,
    committedBy,
    createdDatetime: typeof row.created_datetime === 'string' ? row.created_datetime : null,
    documents: ((row.documents ?? []) as Record<string, unknown>[]).map(({ response_json, ...doc }) => ({ ...doc, response: parsed(response_json) })),
  };
}

/** response_json is a JSON text in the GraphQL answer. */
function parsed(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
