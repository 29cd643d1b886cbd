/**
 * The subgraph SDL a router or composition tool reads (`_service.sdl`, `GET /subgraph.graphql`,
 * schema/generated/): the served schema with its federation directives, without the federation
 * machinery (the directive definitions, `_Any`, `_Entity`, `_service`, `_entities`), which the
 * `@link` stands for. Printed once per schema: each refresh builds a new one.
 */
import { getDocumentNodeFromSchema } from '@graphql-tools/utils';
import { type DefinitionNode, type DocumentNode, type GraphQLSchema, Kind, print } from 'graphql';
import { LINK_EXTENSION, MACHINERY_DIRECTIVES, MACHINERY_FIELDS, MACHINERY_TYPES } from './spec';

const printed = new WeakMap<GraphQLSchema, string>();

function keep(def: DefinitionNode): DefinitionNode | null {
  switch (def.kind) {
    case Kind.SCHEMA_DEFINITION:
    case Kind.SCHEMA_EXTENSION:
      // Root types keep their default names; the @link is written out below as `extend schema`.
      return null;
    case Kind.DIRECTIVE_DEFINITION:
      return MACHINERY_DIRECTIVES.has(def.name.value) ? null : def;
    case Kind.OBJECT_TYPE_DEFINITION:
      if (def.name.value === 'Query') return { ...def, fields: def.fields?.filter((f) => !MACHINERY_FIELDS.has(f.name.value)) };
      return MACHINERY_TYPES.has(def.name.value) ? null : def;
    default:
      return 'name' in def && def.name && MACHINERY_TYPES.has(def.name.value) ? null : def;
  }
}

export function subgraphSdl(schema: GraphQLSchema): string {
  let sdl = printed.get(schema);
  if (sdl === undefined) {
    const document = getDocumentNodeFromSchema(schema);
    const definitions = document.definitions.map(keep).filter((d): d is DefinitionNode => d !== null);
    sdl = `${LINK_EXTENSION}\n\n${print({ ...document, definitions } as DocumentNode)}\n`;
    printed.set(schema, sdl);
  }
  return sdl;
}
