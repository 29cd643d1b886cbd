/** The GDC model as SDL, shaped like GDC's submission GraphQL: node types, their arguments, GdcQuery roots, typed create mutations. */
import { plural } from '../names';
import { block, collectInputObjects, connectionTypes, fieldLine, inputFields, namedTypes, outputFields } from '../sdl';
import type { NamedRef, ObjectField } from '../shapes';
import { ENTITY_FIELDS, type GdcGraphModel, type GdcNodeModel, gdcTakenNames } from './model';

const SCALAR_ARG = { Boolean: 'Boolean', Float: 'Float', String: 'String', List: '[String]' } as const;

const BASE_ARGS: [string, string][] = [
  ['id', 'String'],
  ['submitter_id', 'String'],
  ['ids', '[String]'],
  ['quick_search', 'String'],
  ['first', 'Int = 10'],
  ['offset', 'Int'],
  ['created_before', 'String'],
  ['created_after', 'String'],
  ['updated_before', 'String'],
  ['updated_after', 'String'],
  ['order_by_asc', 'String'],
  ['order_by_desc', 'String'],
];

const ENTITY_INTERFACE_FIELDS =
  fieldLine('id', 'ID!') +
  fieldLine('submitter_id', 'String') +
  fieldLine('type', 'String!') +
  fieldLine('project_id', 'String') +
  fieldLine('state', 'String') +
  fieldLine('created_datetime', 'String') +
  fieldLine('updated_datetime', 'String');

function args(list: [string, string][]): string {
  return `(${list.map(([name, type]) => `${name}: ${type}`).join(', ')})`;
}

/** peregrine's get_node_class_args: base arguments, link and path filters, every property as a list (OR), `not`. */
export function nodeArgs(node: GdcNodeModel): [string, string][] {
  const out = new Map<string, string>(BASE_ARGS);
  out.set('with_links', '[String]');
  out.set('with_links_any', '[String]');
  out.set('without_links', '[String]');
  for (const name of ['with_path_to', 'with_path_to_any', 'without_path_to']) out.set(name, '[GdcWithPathToInput]');
  for (const [name, scalar] of node.scalars) out.set(name, scalar === 'List' ? '[String]' : `[${SCALAR_ARG[scalar]}]`);
  if (node.label === 'project') out.set('project_id', '[String]');
  out.set('not', `[${node.gqlName}NotPropertiesInput]`);
  return [...out];
}

/** get_node_interface_args: `node` (static, in schema/graph.graphql) and `_links` (without of_type). */
const NODE_INTERFACE_ARGS: [string, string][] = [...BASE_ARGS, ['of_type', '[String]'], ['project_id', 'String'], ['category', 'String']];
const LINKS_ARGS: [string, string][] = NODE_INTERFACE_ARGS.filter(([n]) => n !== 'of_type').map(([n, t]) => [n, n === 'first' ? 'Int' : t]);

function propertyInputFields(node: GdcNodeModel): string {
  const lines = [...node.scalars].map(([name, scalar]) => fieldLine(name, SCALAR_ARG[scalar]));
  if (node.label === 'project') lines.push(fieldLine('project_id', 'String'));
  return lines.join('');
}

/** A node's connection takes the list's filters, with first/after instead of first/offset. */
export function connectionArgs(node: GdcNodeModel): string {
  return args([...nodeArgs(node).filter(([name]) => name !== 'first' && name !== 'offset'), ['first', 'Int = 25'], ['after', 'String']]);
}

export function createMutationName(node: GdcNodeModel): string {
  return `create${plural(node.gqlName)}`;
}

/** What a submission of this type accepts: its non-system properties, an optional custom id, its forward links. */
export function submissionFields(node: GdcNodeModel): ObjectField[] {
  return node.fields.filter((f) => f.submittable && f.key !== 'type');
}

function inputType(node: GdcNodeModel): string {
  const props = inputFields(submissionFields(node), (f) => f.required && !f.hasDefault);
  const links = node.edges
    .filter((e) => e.kind === 'link')
    .map((e) => fieldLine(e.name, `[GdcLinkInput!]${node.requiredLinks.has(e.name) ? '!' : ''}`, `Link to ${e.target} (${e.multiplicity}): by id, by submitter_id, or by code for a project.`))
    .join('');
  return block(
    'input',
    `${node.gqlName}Input`,
    fieldLine('id', 'ID', 'A uuid of your own for a new entity; GDC mints one when left out.') + props + links,
    `A ${node.label} entity as submitted to a project (its type is implied).`,
  );
}

export function gdcSdl(model: GdcGraphModel): { blocks: string[]; declared: NamedRef[] } {
  const declared = model.named.finalize(gdcTakenNames(model));
  const nodes = [...model.nodes.values()];
  const parts: string[] = [];
  const inputsNeeded = new Set<string>();
  const argText = new Map(nodes.map((n) => [n.label, args(nodeArgs(n))]));

  const withPathTo = new Map<string, string>();
  for (const n of nodes) for (const [name, scalar] of n.scalars) withPathTo.set(name, SCALAR_ARG[scalar]);
  withPathTo.delete('type');
  parts.push(
    block(
      'input',
      'GdcWithPathToInput',
      [...withPathTo].map(([name, type]) => fieldLine(name, type)).join('') + fieldLine('id', 'String') + fieldLine('type', 'String!', 'The node type at the end of the path.'),
      'Entities with a path to an entity of `type` (matching the other fields given).',
    ),
  );
  parts.push(
    block(
      'input',
      'GdcLinkInput',
      fieldLine('id', 'ID') + fieldLine('submitter_id', 'String') + fieldLine('code', 'String', 'A project link names the project by code.'),
      'A link from a submitted entity to another entity: give its id or its unique key.',
    ),
  );

  for (const n of nodes) parts.push(connectionTypes(n.gqlName, `_${n.label}_count for these filters.`));
  for (const n of nodes) {
    parts.push(block('input', `${n.gqlName}NotPropertiesInput`, propertyInputFields(n), `Properties ${n.label} entities must not have (\`not\`).`));
    const own = n.fields.filter((f) => !ENTITY_FIELDS.includes(f.key));
    let body = ENTITY_INTERFACE_FIELDS + outputFields(own);
    for (const e of n.edges) {
      const target = model.nodes.get(e.target)!;
      const what = e.kind === 'link' ? `Link ${e.name} to ${e.target}` : `Backref: ${e.target} entities whose link names this ${n.label}`;
      body += fieldLine(e.name, `[${target.gqlName}!]!`, what, argText.get(target.label));
      body += fieldLine(`_${e.name}_count`, 'Int', `How many ${e.name}`, argText.get(target.label));
    }
    if (n.cachesCases && model.nodes.has('case')) body += fieldLine('_related_cases', '[GdcCase!]!', 'The cases this entity relates to.', argText.get('case'));
    body += fieldLine('_links', '[GdcEntity!]!', 'Every entity linked to this one, either way.', args(LINKS_ARGS));
    parts.push(block('type', n.gqlName, body, n.description, ' implements GdcEntity & Node'));
  }

  const mutations: string[] = [];
  for (const n of nodes) {
    if (!n.submittable) continue;
    collectInputObjects(submissionFields(n), inputsNeeded);
    parts.push(inputType(n));
    mutations.push(
      fieldLine(
        createMutationName(n),
        'SubmissionResult!',
        `Create ${n.label} entities in one transaction: createEntities with source GDC (POST, or PUT with upsert), with names and types checked by GraphQL first.`,
        `(project: String!, entities: [${n.gqlName}Input!]!, dryRun: Boolean = false, upsert: Boolean = false, async: Boolean = false, chunkSize: Int)`,
      ),
    );
  }
  parts.push(namedTypes(declared, inputsNeeded));

  let query = '';
  for (const n of nodes) {
    query += fieldLine(n.label, `[${n.gqlName}!]!`, `${n.label} entities of this project (the submission GraphQL's \`${n.label}\`).`, argText.get(n.label));
    query += fieldLine(`_${n.label}_count`, 'Int!', `How many ${n.label} entities match (first and offset do not apply).`, argText.get(n.label));
    query += fieldLine(
      `${n.label}Connection`,
      `${n.gqlName}Connection!`,
      `${n.label} entities as a Relay connection (first/after); with the list's filters. One upstream query per page, totalCount included.`,
      connectionArgs(n),
    );
  }
  parts.push(`extend type GdcQuery {\n${query}}\n`);
  if (mutations.length) parts.push(`extend type Mutation {\n${mutations.join('')}}\n`);
  return { blocks: parts.filter(Boolean), declared };
}

