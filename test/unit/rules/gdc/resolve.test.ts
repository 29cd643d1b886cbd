import { resolveSources } from '../../../../src/rules/gdc/dictionary/load';
import { pointer, RefError, RefResolver, type Sources } from '../../../../src/rules/gdc/dictionary/resolve';

describe('gdcdictionary $ref resolution', () => {
  it('merges a string $ref into its holder, the referenced keys overriding siblings', () => {
    const sources: Sources = {
      '_definitions.yaml': { id: '_definitions', thing: { type: 'string', description: 'from definitions' } },
      'node.yaml': { id: 'node', properties: { p: { $ref: '_definitions.yaml#/thing', description: 'sibling', extra: 1 } } },
    };
    const { nodes } = resolveSources(sources);
    expect(nodes.node.properties).toEqual({ p: { type: 'string', description: 'from definitions', extra: 1 } });
  });

  it('applies a list of $refs in order, later ones winning', () => {
    const sources: Sources = {
      '_terms.yaml': { id: '_terms', a: { common: { description: 'A', termDef: { term: 'a' } } }, b: { description: 'B' } },
      'node.yaml': { id: 'node', properties: { p: { $ref: ['_terms.yaml#/a/common', '_terms.yaml#/b'], enum: ['x'] } } },
    };
    const p = (resolveSources(sources).nodes.node.properties as any).p;
    expect(p).toEqual({ enum: ['x'], description: 'B', termDef: { term: 'a' } });
  });

  it('resolves local #/x refs against the containing file, recursively through other files', () => {
    const sources: Sources = {
      '_definitions.yaml': {
        id: '_definitions',
        uuid: { $ref: '_terms.yaml#/uuid', type: 'string' },
        foreign_key: { type: 'object', properties: { id: { $ref: '#/uuid' } } },
      },
      '_terms.yaml': { id: '_terms', uuid: { description: 'an id' } },
      'node.yaml': { id: 'node', definitions: { local: { minimum: 1 } }, properties: { link: { $ref: '_definitions.yaml#/foreign_key' }, n: { $ref: '#/definitions/local' } } },
    };
    const props = resolveSources(sources).nodes.node.properties as any;
    expect(props.link).toEqual({ type: 'object', properties: { id: { type: 'string', description: 'an id' } } });
    expect(props.n).toEqual({ minimum: 1 });
  });

  it('resolves a $ref on the properties object itself (ubiquitous properties), the node keeping its own keys', () => {
    const sources: Sources = {
      '_definitions.yaml': { id: '_definitions', ubiquitous: { id: { type: 'string' }, state: { enum: ['validated'] } } },
      'node.yaml': { id: 'node', properties: { $ref: '_definitions.yaml#/ubiquitous', state: { enum: ['mine'] }, own: { type: 'integer' } } },
    };
    const props = resolveSources(sources).nodes.node.properties as any;
    // Referenced keys override siblings: the node's own `state` loses to the ubiquitous one.
    expect(props).toEqual({ state: { enum: ['validated'] }, own: { type: 'integer' }, id: { type: 'string' } });
  });

  it('mutates the definition sources in place, as `_all` then shows them', () => {
    const sources: Sources = {
      '_definitions.yaml': { id: '_definitions', used: { $ref: '_terms.yaml#/t' }, unused: { $ref: '_terms.yaml#/t' } },
      '_terms.yaml': { id: '_terms', t: { description: 'T' } },
      'node.yaml': { id: 'node', properties: { p: { $ref: '_definitions.yaml#/used' } } },
    };
    const { extras } = resolveSources(sources);
    expect(extras._definitions.used).toEqual({ description: 'T' });
    expect(extras._definitions.unused).toEqual({ $ref: '_terms.yaml#/t' });
    expect(Object.keys(extras)).toEqual(['_definitions', '_terms']);
  });

  it('keys nodes by their `id`, not their file name', () => {
    expect(Object.keys(resolveSources({ 'x.yaml': { id: 'real_name' } }).nodes)).toEqual(['real_name']);
  });

  it('fails loudly on unknown files and pointers', () => {
    expect(() => new RefResolver({}).resolve({ $ref: 'nope.yaml#/a' }, {})).toThrow(RefError);
    expect(() => resolveSources({ 'case.yaml': { id: 'case', properties: { p: { $ref: '_terms_enum.yaml#/x' } } } })).toThrow(
      "case.yaml: $ref '_terms_enum.yaml#/x' names an unknown file '_terms_enum.yaml'",
    );
    expect(() => pointer({ a: { b: 1 } }, '/a/c')).toThrow(/Unresolvable/);
    expect(pointer({ a: [{ 'x/y': 2 }] }, '/a/0/x~1y')).toBe(2);
  });
});
