import { type DocumentNode, type FieldDefinitionNode, type InputValueDefinitionNode, Kind, parse, print } from 'graphql';

/**
 * Generated SDL as a document that costs little memory. Each block (a type, or a few) is parsed on
 * its own: the parser keeps every token of its input linked until it is done, which for the whole
 * real dictionary (half a million tokens) was most of the gateway's memory at start-up. No
 * locations are kept, and equal argument lists are shared: GDC's link fields repeat their target
 * type's arguments (peregrine's, one per property), some 39,000 argument definitions on the real
 * dictionary, of a few hundred distinct lists.
 */
export function compactDocument(blocks: string[]): DocumentNode {
  const lists = new Map<string, readonly InputValueDefinitionNode[]>();
  const share = (field: FieldDefinitionNode): FieldDefinitionNode => {
    if (!field.arguments?.length) return field;
    const key = field.arguments.map((a) => `${a.name.value}:${print(a.type)}=${a.defaultValue ? print(a.defaultValue) : ''}`).join(',');
    let list = lists.get(key);
    if (!list) lists.set(key, (list = field.arguments));
    return list === field.arguments ? field : { ...field, arguments: list };
  };
  const definitions = blocks.flatMap((block) => parse(block, { noLocation: true }).definitions);
  return {
    kind: Kind.DOCUMENT,
    definitions: definitions.map((def) =>
      (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION || def.kind === Kind.INTERFACE_TYPE_DEFINITION) && def.fields
        ? { ...def, fields: def.fields.map(share) }
        : def,
    ),
  };
}
