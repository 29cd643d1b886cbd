/** The ENCODE model as SDL: record types and interfaces, unions, nested types, EncodeQuery fields, typed create mutations. */
import { plural } from '../names';
import { block, collectInputObjects, connectionTypes, fieldLine, inputFields, namedTypes, outputFields, typeRef } from '../sdl';
import type { NamedRef, ObjectField } from '../shapes';
import { type EncodeGraphModel, type EncodeTypeModel, encodeTakenNames, encodeTypeName } from './model';

const RECORD_INTERFACE_FIELDS =
  fieldLine('id', 'ID!', 'The uuid: client caches (Apollo Client, urql, Relay) normalise records by it without configuration.') +
  fieldLine('uuid', 'String!') +
  fieldLine('atId', 'String!', "@id: the record's canonical path on the portal.") +
  fieldLine('atType', '[String!]!', '@type: the type and its bases, most specific first, ending with Item.') +
  fieldLine('status', 'String') +
  fieldLine('raw', 'JSON!', 'The record as the portal returns it in the object frame.');

const LIST_ARGS = '(filters: [EncodeFilter!], limit: Int = 25, from: Int = 0)';
const CONNECTION_ARGS = '(filters: [EncodeFilter!], first: Int = 25, after: String, last: Int, before: String)';


export function createMutationName(type: EncodeTypeModel): string {
  return `create${plural(type.gqlName)}`;
}

/** Fields an interface can declare: the abstract profile's own, typed alike in every subtype, plus its bases' fields. */
export function interfaceFields(model: EncodeGraphModel, type: EncodeTypeModel, memo = new Map<string, ObjectField[]>()): ObjectField[] {
  const cached = memo.get(type.name);
  if (cached) return cached;
  const subs = type.subtypes.map((s) => model.types.get(s)!).filter(Boolean);
  const sameEverywhere = (f: ObjectField) =>
    subs.every((s) => s.fields.some((g) => g.name === f.name && g.key === f.key && typeRef(g.shape, 'output') === typeRef(f.shape, 'output')));
  const fields = new Map<string, ObjectField>();
  for (const base of type.bases) for (const f of interfaceFields(model, model.types.get(base)!, memo)) fields.set(f.name, f);
  for (const f of type.fields) if (!fields.has(f.name) && sameEverywhere(f)) fields.set(f.name, f);
  const out = [...fields.values()];
  memo.set(type.name, out);
  return out;
}

/** Input fields that must be given: required, with no default, and not filled by the gateway (award, lab). */
function mustGive(f: ObjectField): boolean {
  return f.required && !f.hasDefault && f.key !== 'award' && f.key !== 'lab';
}

export function encodeSdl(model: EncodeGraphModel): { blocks: string[]; declared: NamedRef[] } {
  const declared = model.named.finalize(encodeTakenNames(model));
  const memo = new Map<string, ObjectField[]>();
  const parts: string[] = [];
  const types = [...model.types.values()];
  const inputsNeeded = new Set<string>();
  const implementsOf = (t: EncodeTypeModel) => ['EncodeRecord', 'Node', ...t.bases.map(encodeTypeName)].join(' & ');

  for (const t of types) {
    if (t.abstract) {
      const fields = interfaceFields(model, t, memo);
      parts.push(block('interface', t.gqlName, RECORD_INTERFACE_FIELDS + outputFields(fields), t.description, ` implements ${implementsOf(t)}`));
    } else {
      parts.push(block('type', t.gqlName, RECORD_INTERFACE_FIELDS + outputFields(t.fields), t.description, ` implements ${implementsOf(t)}`));
    }
  }
  for (const t of types) parts.push(connectionTypes(t.gqlName, "The portal's total for these filters."));
  for (const [union, members] of model.unions) parts.push(`union ${union} = ${members.map(encodeTypeName).join(' | ')}\n`);

  const mutations: string[] = [];
  for (const t of types) {
    if (t.abstract || !t.inputFields.length) continue;
    collectInputObjects(t.inputFields, inputsNeeded);
    parts.push(block('input', `${t.gqlName}Input`, inputFields(t.inputFields, mustGive), `A new ${t.name} record, as POSTed to the portal's ${t.itemType} profile.`));
    mutations.push(
      fieldLine(
        createMutationName(t),
        'SubmissionResult!',
        `Create ${t.name} records (one POST each, in input order): createEntities with source ENCODE and profile "${t.itemType}", with names and types checked by GraphQL first.`,
        `(records: [${t.gqlName}Input!]!, dryRun: Boolean = false, upsert: Boolean = false, award: String, lab: String, noAliases: Boolean = false)`,
      ),
    );
  }
  parts.push(namedTypes(declared, inputsNeeded));

  const query = types
    .map(
      (t) =>
        fieldLine(t.itemType, t.gqlName, `One ${t.name} by uuid, accession, alias, @id or the collection's own key (a lab's name); null if there is none.`, '(id: ID!)') +
        fieldLine(t.listField, `[${t.gqlName}!]!`, `${t.name} records: a portal search of type=${t.name}. Several values of one filter field are OR-ed, different fields AND-ed.`, LIST_ARGS) +
        fieldLine(
          `${t.listField}Connection`,
          `${t.gqlName}Connection!`,
          `${t.name} records as a Relay connection: forwards with first/after, backwards with last/before; one portal search per page.`,
          CONNECTION_ARGS,
        ),
    )
    .join('');
  if (query) parts.push(`extend type EncodeQuery {\n${query}}\n`);
  if (mutations.length) parts.push(`extend type Mutation {\n${mutations.join('')}}\n`);
  return { blocks: parts.filter(Boolean), declared };
}
