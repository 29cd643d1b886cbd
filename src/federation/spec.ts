/**
 * The Apollo Federation 2 subgraph contract the served schema follows: the `@link` that names the
 * federation spec, the definitions of the directives and scalars it imports, and the two fields a
 * router calls (`_service`, `_entities`). Written out here rather than taken from @apollo/subgraph:
 * that package depends on @apollo/federation-internals, which is under the Elastic License and
 * must not ship in the product; the contract itself is a few lines of SDL.
 */
export const FEDERATION_URL = 'https://specs.apollo.dev/federation/v2.3';
export const LINK_URL = 'https://specs.apollo.dev/link/v1.0';

/** What the schema imports from the spec, by their unprefixed names. */
export const FEDERATION_IMPORTS = ['@key', '@shareable', '@inaccessible'];

export const LINK_EXTENSION = `extend schema @link(url: "${FEDERATION_URL}", import: [${FEDERATION_IMPORTS.map((i) => JSON.stringify(i)).join(', ')}])`;

/** Definitions graphql-js needs to accept the directives; they are not part of the printed subgraph SDL. */
export const FEDERATION_DEFINITIONS = `
directive @link(url: String!, as: String, import: [link__Import], for: link__Purpose) repeatable on SCHEMA
directive @key(fields: federation__FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
scalar federation__FieldSet
"A representation of an entity, as a router sends it: \`__typename\` and the fields of one of its keys."
scalar _Any
type _Service {
  "The subgraph's SDL with its federation directives, for the schema live now."
  sdl: String
}
extend type Query {
  "The subgraph SDL a router or a composition tool reads (Apollo Federation 2)."
  _service: _Service!
  "Entities by representation, in the order given; null where none matches. Costs one upstream request per upstream and level."
  _entities(representations: [_Any!]!): [_Entity]!
}
`;

/** Names that belong to the federation machinery, left out of the printed subgraph SDL. */
export const MACHINERY_TYPES = new Set(['link__Import', 'link__Purpose', 'federation__FieldSet', '_Any', '_Entity', '_Service']);
export const MACHINERY_DIRECTIVES = new Set(['link', 'key', 'shareable', 'inaccessible']);
export const MACHINERY_FIELDS = new Set(['_service', '_entities']);
