import { GraphQLBoolean, GraphQLID, GraphQLInt, GraphQLList, GraphQLString, type GraphQLFieldConfig, type GraphQLFieldConfigArgumentMap } from 'graphql';
import { isCommittable, type TransactionLog } from '../transactions';
import { paginate, type Args } from './filters';
import { relatedCases, TransactionLogType } from './transaction-types';
import type { GraphView } from './view';

const s = GraphQLString;

export function transactionLogArgs(): GraphQLFieldConfigArgumentMap {
  return {
    id: { type: GraphQLID },
    type: { type: s },
    quick_search: { type: GraphQLID },
    project_id: { type: new GraphQLList(s) },
    project: { type: s },
    program: { type: s },
    order_by_asc: { type: s },
    order_by_desc: { type: s },
    related_cases: { type: new GraphQLList(s) },
    first: { type: GraphQLInt },
    last: { type: GraphQLInt },
    offset: { type: GraphQLInt },
    entities: { type: new GraphQLList(s) },
    is_dry_run: { type: GraphQLBoolean },
    closed: { type: GraphQLBoolean },
    committable: {
      type: GraphQLBoolean,
      description:
        '(committable: true) means (is_dry_run: true) AND (closed: false) AND (state: "SUCCEEDED") AND (committed_by is None).  Note: committed_by is None cannot be represented in GraphQL, hence this argument.',
    },
    state: { type: s },
    committed_by: { type: GraphQLID },
  };
}

const SORTABLE = new Set(['id', 'submitter', 'role', 'program', 'project', 'created_datetime', 'canonical_json', 'project_id']);
const given = (args: Args, key: string) => args[key] !== undefined && args[key] !== null;

/** Postgres reads an integer column's argument; text that is not one is its error. */
function integer(value: unknown): number {
  const text = String(value).trim();
  if (!/^[+-]?\d+$/.test(text)) throw new Error(`invalid input syntax for type integer: "${String(value)}"`);
  return Number(text);
}

/** resolve_transaction_log_query's filters and order, before first/last/offset. */
function matchingLogs(view: GraphView, args: Args): TransactionLog[] {
  let logs = view.logs.all().filter((log) => view.readable.has(log.project_id));
  const eq = <K extends keyof TransactionLog>(key: K, value: unknown) => (logs = logs.filter((l) => l[key] === value));
  if (given(args, 'quick_search')) {
    const text = String(args.quick_search);
    if (!/^\s*[+-]?\d+\s*$/.test(text)) return [];
    eq('id', Number(text));
  }
  if (given(args, 'id')) eq('id', integer(args.id));
  if (given(args, 'is_dry_run')) eq('is_dry_run', args.is_dry_run);
  if (given(args, 'state')) eq('state', args.state);
  if (given(args, 'committed_by')) eq('committed_by', integer(args.committed_by));
  if (given(args, 'closed')) eq('closed', args.closed);
  if (given(args, 'committable')) logs = logs.filter((l) => isCommittable(l) === args.committable);
  if (given(args, 'project_id')) {
    const ids = (args.project_id as unknown[]).map(String);
    logs = logs.filter((l) => ids.includes(l.project_id));
  }
  if (given(args, 'project')) eq('project', args.project);
  if (given(args, 'program')) eq('program', args.program);
  if (given(args, 'entities')) {
    const ids = (args.entities as unknown[]).map(String);
    logs = logs.filter((l) => l.entities.some((e) => ids.includes(e.id)));
  }
  if (given(args, 'related_cases')) {
    const ids = (args.related_cases as unknown[]).map(String);
    logs = logs.filter((l) => relatedCases(l).some((c) => ids.includes(String(c.id))));
  }
  if (given(args, 'type')) {
    const roles = args.type === 'upload' ? ['create', 'update'] : [String(args.type)];
    logs = logs.filter((l) => roles.includes(l.role));
  }
  return sortLogs(logs, args);
}

function sortLogs(logs: TransactionLog[], args: Args): TransactionLog[] {
  const keys: [keyof TransactionLog, number][] = [];
  if (SORTABLE.has(String(args.order_by_asc))) keys.push([args.order_by_asc as keyof TransactionLog, 1]);
  if (SORTABLE.has(String(args.order_by_desc))) keys.push([args.order_by_desc as keyof TransactionLog, -1]);
  if (given(args, 'last')) keys.push(['id', -1]);
  if (!keys.length) return logs;
  const value = (l: TransactionLog, k: keyof TransactionLog) => (k === 'canonical_json' ? JSON.stringify(l[k]) : l[k]) as string | number;
  return [...logs].sort((a, b) => {
    for (const [k, dir] of keys) {
      const x = value(a, k);
      const y = value(b, k);
      if (x !== y) return (x < y ? -1 : 1) * dir;
    }
    return 0;
  });
}

/** `first` (default 10, 0 = all), or `last` N by id descending, then offset. */
export function resolveTransactionLogs(view: GraphView, args: Args): TransactionLog[] {
  const logs = matchingLogs(view, args);
  if (given(args, 'last')) return paginate(logs, { first: args.last, offset: args.offset });
  return paginate(logs, args);
}

/** peregrine counts with `first` as the only limit (and the offset applied). */
export function countTransactionLogs(view: GraphView, args: Args): number {
  return paginate(matchingLogs(view, args), { first: args.first, offset: args.offset }, 0).length;
}

export function transactionLogFields(entityOf?: (source: unknown) => string): Record<string, GraphQLFieldConfig<unknown, GraphView>> {
  const scoped = (args: Args, source: unknown) => (entityOf ? { ...args, entities: [entityOf(source)] } : args);
  const prefix = entityOf ? '_transaction_logs' : 'transaction_log';
  return {
    [prefix]: { type: new GraphQLList(TransactionLogType), args: transactionLogArgs(), resolve: (source, args, view) => resolveTransactionLogs(view, scoped(args, source)) },
    [`${entityOf ? prefix : `_${prefix}`}_count`]: {
      type: GraphQLInt,
      args: transactionLogArgs(),
      resolve: (source, args, view) => countTransactionLogs(view, scoped(args, source)),
    },
  };
}
