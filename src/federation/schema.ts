/**
 * The served schema as a Federation 2 subgraph: the documents the graph is built from, with
 * `@key` on every entity type, `@shareable` on every value type (so another subgraph, or a second
 * gateway deployment, may declare the same result types), and the federation definitions added.
 */
import { type ConstDirectiveNode, type DefinitionNode, type DocumentNode, Kind, parse } from 'graphql';
import type { EntityType } from './keys';
import { FEDERATION_DEFINITIONS, LINK_EXTENSION } from './spec';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

function directive(name: string, fields?: string): ConstDirectiveNode {
  return {
    kind: Kind.DIRECTIVE,
    name: { kind: Kind.NAME, value: name },
    arguments: fields === undefined ? [] : [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'fields' }, value: { kind: Kind.STRING, value: fields } }],
  };
}

function withDirectives(def: DefinitionNode, entities: Map<string, EntityType>): DefinitionNode {
  if (def.kind !== Kind.OBJECT_TYPE_DEFINITION || ROOT_TYPES.has(def.name.value) || def.name.value.startsWith('_')) return def;
  const entity = entities.get(def.name.value);
  const added = entity ? entity.keys.map((k) => directive('key', k)) : [directive('shareable')];
  return { ...def, directives: [...(def.directives ?? []), ...added] };
}

/** The federation definitions, `_entities` and the `_Entity` union only when there are entities to ask for. */
function federationDocument(entities: Map<string, EntityType>): DocumentNode {
  const names = [...entities.keys()];
  const sdl = names.length
    ? `${LINK_EXTENSION}\n${FEDERATION_DEFINITIONS}\nunion _Entity = ${names.join(' | ')}\n`
    : `${LINK_EXTENSION}\n${FEDERATION_DEFINITIONS.replace(/\n\s*"Entities by representation[^\n]*\n\s*_entities[^\n]*/, '')}`;
  return parse(sdl, { noLocation: true });
}

export function federate(documents: DocumentNode[], entities: Map<string, EntityType>): DocumentNode[] {
  return [...documents.map((doc) => ({ ...doc, definitions: doc.definitions.map((d) => withDirectives(d, entities)) })), federationDocument(entities)];
}
