/** Small SDL writers shared by the ENCODE and GDC generators. */
import { quote } from './names';
import { fieldDescription, type NamedRef, type ObjectField, type Shape } from './shapes';

export type Mode = 'output' | 'input';

/** The SDL type of a shape. Lists of links have nullable items: a linked record the caller may not read is null (with an error), not the end of the list. */
export function typeRef(shape: Shape, mode: Mode): string {
  switch (shape.kind) {
    case 'scalar':
      return shape.scalar;
    case 'enum':
      return shape.ref.name!;
    case 'object':
      if (mode === 'output') return shape.ref.name!;
      // Nothing in it is submittable: the input takes whatever JSON the upstream accepts.
      return shape.ref.fields!.some((f) => f.submittable) ? inputName(shape.ref) : 'JSON';
    case 'link':
      return mode === 'input' ? 'String' : shape.target;
    case 'list': {
      const inner = typeRef(shape.of, mode);
      return mode === 'output' && shape.of.kind === 'link' ? `[${inner}]` : `[${inner}!]`;
    }
  }
}

export function inputName(ref: NamedRef): string {
  return `${ref.name}Input`;
}

export function descriptionLine(text: string | undefined, indent = '  '): string {
  return text ? `${indent}${quote(text)}\n` : '';
}

export function fieldLine(name: string, type: string, description?: string, args = ''): string {
  return `${descriptionLine(description)}  ${name}${args}: ${type}\n`;
}

export function outputFields(fields: ObjectField[]): string {
  return fields.map((f) => fieldLine(f.name, typeRef(f.shape, 'output'), fieldDescription(f))).join('');
}

export function inputFields(fields: ObjectField[], nonNull: (f: ObjectField) => boolean): string {
  return fields.map((f) => fieldLine(f.name, `${typeRef(f.shape, 'input')}${nonNull(f) ? '!' : ''}`, fieldDescription(f))).join('');
}

export function block(keyword: string, name: string, body: string, description?: string, extra = ''): string {
  return `${descriptionLine(description, '')}${keyword} ${name}${extra} {\n${body}}\n`;
}

/** Enum and nested object types (and, for those inputs reach, their input twins). */
export function namedTypes(declared: NamedRef[], inputsNeeded: Set<string>): string {
  const out: string[] = [];
  for (const ref of declared) {
    if (ref.kind === 'enum') {
      out.push(block('enum', ref.name!, ref.values!.map((v) => `  ${v}\n`).join(''), ref.description));
      continue;
    }
    out.push(block('type', ref.name!, outputFields(ref.fields!), ref.description));
    if (inputsNeeded.has(ref.name!)) {
      out.push(block('input', inputName(ref), inputFields(ref.fields!.filter((f) => f.submittable), (f) => f.required && !f.hasDefault), ref.description));
    }
  }
  return out.join('\n');
}

/** Nested object types reachable from these input fields (their input twins must be declared). */
export function collectInputObjects(fields: ObjectField[], into: Set<string>): Set<string> {
  for (const f of fields) {
    let s: Shape = f.shape;
    while (s.kind === 'list') s = s.of;
    if (s.kind === 'object' && !into.has(s.ref.name!) && s.ref.fields!.some((x) => x.submittable)) {
      into.add(s.ref.name!);
      collectInputObjects(s.ref.fields!.filter((x) => x.submittable), into);
    }
  }
  return into;
}

/** Relay's connection and edge types of one record type. */
export function connectionTypes(gqlName: string, what: string): string {
  return (
    block('type', `${gqlName}Connection`, fieldLine('edges', `[${gqlName}Edge!]!`) + fieldLine('pageInfo', 'PageInfo!') + fieldLine('totalCount', 'Int!', what), `A page of ${gqlName} (Relay's cursor connection).`) +
    block('type', `${gqlName}Edge`, fieldLine('cursor', 'String!', 'Opaque; valid for the same field and filters.') + fieldLine('node', `${gqlName}!`))
  );
}
