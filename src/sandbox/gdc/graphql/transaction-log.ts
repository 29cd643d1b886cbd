import {
  GraphQLBoolean,
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigArgumentMap,
} from 'graphql';
import { isCommittable, type TransactionDocument, type TransactionLog } from '../transactions';
import { paginate, type Args } from './filters';
import { graphqlString, jsonbOrder, pyJsonDumps } from './pyjson';
import type { GraphView } from './view';

type Json = Record<string, unknown>;
const s = GraphQLString;
const list = (type: GraphQLObjectType) => new GraphQLList(type);
const field = (name: string) => (source: Json) => source[name] ?? null;

const GenericEntity = new GraphQLObjectType<Json>({
  name: 'GenericEntity',
  description: 'Skeleton properties to reference generic entities',
  fields: { id: { type: s }, type: { type: s } },
});

const TransactionResponseError = new GraphQLObjectType<Json>({
  name: 'TransactionResponseError',
  fields: {
    keys: { type: new GraphQLList(s), resolve: field('keys') },
    dependents: {
      type: list(GenericEntity),
      description: 'List of entities that depend on this entity such that the transaction failed.',
      resolve: (e) => (Array.isArray(e.dependents) ? e.dependents : []),
    },
    message: { type: s },
    type: { type: s },
  },
});

const RelatedCase = new GraphQLObjectType<Json>({
  name: 'TransactionResponseEntityRelatedCases',
  fields: { id: { type: s }, submitter_id: { type: s, resolve: (c) => graphqlString(c.submitter_id) } },
});

const TransactionResponseEntity = new GraphQLObjectType<Json>({
  name: 'TransactionResponseEntity',
  fields: {
    valid: { type: GraphQLBoolean },
    action: { type: s },
    type: { type: s },
    id: { type: s },
    // A JSON string: unique keys have no single GraphQL shape (peregrine's own reason).
    unique_keys: { type: s, resolve: (e) => (e.unique_keys === undefined ? '[]' : pyJsonDumps(e.unique_keys)) },
    related_cases: { type: list(RelatedCase), resolve: (e) => (Array.isArray(e.related_cases) ? e.related_cases : []) },
    errors: { type: list(TransactionResponseError), resolve: (e) => (Array.isArray(e.errors) ? e.errors : []) },
    warnings: { type: s, resolve: (e) => graphqlString(e.warnings) },
  },
});

const TransactionResponse = new GraphQLObjectType<Json>({
  name: 'TransactionResponse',
  fields: {
    transaction_id: { type: GraphQLID },
    success: { type: GraphQLBoolean },
    entity_error_count: { type: GraphQLInt },
    transactional_error_count: { type: GraphQLInt },
    code: { type: GraphQLInt },
    message: { type: s },
    // peregrine declares an Int here, which cannot hold the list; each error is given as text instead.
    transactional_errors: {
      type: new GraphQLList(s),
      resolve: (r) => (Array.isArray(r.transactional_errors) ? r.transactional_errors.map((e) => (typeof e === 'string' ? e : pyJsonDumps(e))) : null),
    },
    created_entity_count: { type: GraphQLInt },
    updated_entity_count: { type: GraphQLInt },
    released_entity_count: { type: GraphQLInt },
    deleted_entity_count: { type: GraphQLInt },
    dependent_ids: { type: s },
    cases_related_to_updated_entities_count: { type: GraphQLInt },
    cases_related_to_created_entities_count: { type: GraphQLInt },
    entities: { type: list(TransactionResponseEntity), resolve: (r) => (Array.isArray(r.entities) ? r.entities : null) },
  },
});

const TransactionDocumentType = new GraphQLObjectType<TransactionDocument>({
  name: 'TransactionDocument',
  fields: {
    id: { type: GraphQLID },
    transaction_id: { type: GraphQLID },
    doc_format: { type: s },
    doc: { type: s },
    doc_size: { type: GraphQLInt, resolve: (d) => [...(d.doc ?? '')].length },
    name: { type: s },
    response_json: { type: s, resolve: (d) => pyJsonDumps(jsonbOrder(d.response_json)) },
    response: { type: TransactionResponse, resolve: (d) => (d.response_json ? jsonbOrder(d.response_json) : null) },
  },
});

const TransactionSnapshot = new GraphQLObjectType<Json>({
  name: 'TransactionSnapshot',
  fields: {
    id: { type: GraphQLID },
    transaction_id: { type: GraphQLInt },
    action: { type: s },
    old_props: { type: s, resolve: (e) => graphqlString(e.old_props) },
    new_props: { type: s, resolve: (e) => graphqlString(e.new_props) },
  },
});

/** peregrine's TYPE_MAP: uploads (create, update) are "upload"; other roles are themselves. */
const TYPE_OF_ROLE: Record<string, string> = { create: 'upload', update: 'upload' };
const typeOf = (log: TransactionLog) => TYPE_OF_ROLE[log.role.toLowerCase()] ?? log.role.toLowerCase();

const TransactionLogType = new GraphQLObjectType<TransactionLog, GraphView>({
  name: 'TransactionLog',
  fields: {
    id: { type: GraphQLID },
    is_dry_run: { type: GraphQLBoolean },
    closed: { type: GraphQLBoolean },
    committed_by: { type: GraphQLID },
    // The GDC guide lists committable as a field; peregrine has it as an argument only.
    committable: { type: GraphQLBoolean, resolve: (log) => isCommittable(log) },
    state: { type: s },
    type: { type: s, resolve: typeOf },
    quick_search: { type: GraphQLID, resolve: () => null },
    submitter: { type: s },
    role: { type: s },
    program: { type: s },
    project: { type: s },
    created_datetime: { type: s },
    canonical_json: { type: s, resolve: (log) => graphqlString(log.canonical_json) },
    project_id: { type: s, resolve: (log) => `${log.program}-${log.project}` },
    snapshots: { type: list(TransactionSnapshot), resolve: (log) => log.entities },
    documents: { type: list(TransactionDocumentType), resolve: (log) => log.documents },
    related_cases: { type: list(RelatedCase), resolve: (log) => relatedCases(log) },
  },
});

function responseEntities(log: TransactionLog): Json[] {
  return log.documents.flatMap((d) => ((d.response_json as Json | null)?.entities as Json[] | undefined) ?? []);
}

function relatedCases(log: TransactionLog): Json[] {
  const out = new Map<string, Json>();
  for (const entity of responseEntities(log)) {
    for (const c of (entity.related_cases as Json[] | undefined) ?? []) out.set(String(c.id), { id: c.id ?? null, submitter_id: c.submitter_id ?? null });
  }
  return [...out.values()];
}

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
    [prefix]: { type: list(TransactionLogType), args: transactionLogArgs(), resolve: (source, args, view) => resolveTransactionLogs(view, scoped(args, source)) },
    [`${entityOf ? prefix : `_${prefix}`}_count`]: {
      type: GraphQLInt,
      args: transactionLogArgs(),
      resolve: (source, args, view) => countTransactionLogs(view, scoped(args, source)),
    },
  };
}
