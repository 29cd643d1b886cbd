import { GraphQLBoolean, GraphQLID, GraphQLInt, GraphQLList, GraphQLObjectType, GraphQLString } from 'graphql';
import { isCommittable, type TransactionDocument, type TransactionLog } from '../transactions';
import { graphqlString, jsonbOrder, pyJsonDumps } from './pyjson';
import type { GraphView } from './view';

/**
 * peregrine's transaction.py types, field for field. Values stored as JSONB (responses, snapshots,
 * canonical_json) are read back in JSONB's key order and printed as Python would.
 */
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

export const TransactionLogType = new GraphQLObjectType<TransactionLog, GraphView>({
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

export function relatedCases(log: TransactionLog): Json[] {
  const out = new Map<string, Json>();
  for (const entity of responseEntities(log)) {
    for (const c of (entity.related_cases as Json[] | undefined) ?? []) out.set(String(c.id), { id: c.id ?? null, submitter_id: c.submitter_id ?? null });
  }
  return [...out.values()];
}
