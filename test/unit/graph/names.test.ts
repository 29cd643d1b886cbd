import { FieldNamer, fieldName, isEnumValueName, pascal, plural } from '../../../src/graph/names';
import { NamedTypes, shapeOf, type ShapeContext } from '../../../src/graph/shapes';

describe('GraphQL names from upstream names', () => {
  it('keeps valid names and spells the others as GraphQL allows', () => {
    expect(fieldName('biosample_ontology')).toBe('biosample_ontology');
    expect(fieldName('Mapping efficiency')).toBe('Mapping_efficiency');
    expect(fieldName('25_pct')).toBe('_25_pct');
    expect(fieldName('bases mapped (cigar)')).toBe('bases_mapped_cigar_');
    expect(fieldName('__proto')).toBe('_proto');
  });

  it('never gives two properties one name, nor a reserved one', () => {
    const namer = new FieldNamer(['id', 'raw']);
    expect(['a b', 'a_b', 'id', 'raw', 'x'].map((n) => namer.take(n))).toEqual(['a_b', 'a_b_2', 'id_2', 'raw_2', 'x']);
  });

  it('pluralises type names as English does', () => {
    expect(['EncodeBiosample', 'EncodeLibrary', 'EncodeAntibodyLot', 'EncodeAggregateSeries', 'GdcDiagnosis', 'GdcSubmittedUnalignedReads', 'GdcFamilyHistory', 'EncodeSoftware'].map(plural)).toEqual([
      'EncodeBiosamples',
      'EncodeLibraries',
      'EncodeAntibodyLots',
      'EncodeAggregateSeries',
      'GdcDiagnoses',
      'GdcSubmittedUnalignedReads',
      'GdcFamilyHistories',
      'EncodeSoftware',
    ]);
    expect(pascal('submitted_unaligned_reads')).toBe('SubmittedUnalignedReads');
  });

  it('accepts as enum values only GraphQL names other than true, false and null', () => {
    expect(['Yes', 'not_reported', 'B2'].every(isEnumValueName)).toBe(true);
    expect(['in progress', '5 prime', 'true', 'null', '', 3].some(isEnumValueName)).toBe(false);
  });
});

describe('JSON-Schema properties as GraphQL shapes', () => {
  const ctx = (): ShapeContext => ({ owner: 'Thing', link: (s) => (s.linkTo ? { kind: 'link', target: `Encode${s.linkTo}` } : null), named: new NamedTypes('Encode') });
  const scalar = (schema: object) => {
    const s = shapeOf(schema, ctx(), 'P');
    return s.kind === 'scalar' ? s.scalar : s.kind;
  };

  it('maps scalars, with integers beyond 32 bits as SafeInt and what no type expresses as JSON', () => {
    expect(scalar({ type: 'string' })).toBe('String');
    expect(scalar({ type: 'number' })).toBe('Float');
    expect(scalar({ type: 'boolean' })).toBe('Boolean');
    expect(scalar({ type: 'integer', minimum: 0, maximum: 100 })).toBe('Int');
    expect(scalar({ type: 'integer', minimum: 0 })).toBe('SafeInt');
    expect(scalar({ oneOf: [{ type: 'integer', minimum: -32872, maximum: 32872 }, { type: 'null' }] })).toBe('SafeInt');
    expect(scalar({ type: ['number', 'string'] })).toBe('JSON');
    expect(scalar({ type: 'object' })).toBe('JSON');
    expect(scalar({ type: 'array', items: { type: 'array', items: { type: 'string' } } })).toBe('JSON');
    expect(scalar({})).toBe('JSON');
  });

  it('makes enums of GraphQL names enums, and keeps other enums String', () => {
    expect(shapeOf({ type: 'string', enum: ['Yes', 'No'] }, ctx(), 'P').kind).toBe('enum');
    expect(shapeOf({ type: 'string', enum: ['Yes', 'Not Reported'] }, ctx(), 'P')).toEqual({ kind: 'scalar', scalar: 'String' });
  });

  it('makes links, lists of links and nested objects', () => {
    expect(shapeOf({ type: 'string', linkTo: 'Lab' }, ctx(), 'P')).toEqual({ kind: 'link', target: 'EncodeLab' });
    expect(shapeOf({ type: 'array', items: { type: 'string', linkTo: 'Lab' } }, ctx(), 'P')).toEqual({ kind: 'list', of: { kind: 'link', target: 'EncodeLab' } });
    const nested = shapeOf({ type: 'object', properties: { a: { type: 'string' } } }, ctx(), 'P');
    expect(nested.kind).toBe('object');
  });
});
