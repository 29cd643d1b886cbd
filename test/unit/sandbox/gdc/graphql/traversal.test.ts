import { loadDictionary } from '../../../../../src/rules/gdc/dictionary/load';
import { Dictionary } from '../../../../../src/rules/gdc/dictionary/model';
import { buildClasses } from '../../../../../src/sandbox/gdc/graphql/classes';
import { peregrineScalar as scalarOf } from '../../../../../src/rules/gdc/graphql';
import { argumentInstant, storedInstant } from '../../../../../src/sandbox/gdc/graphql/datetimes';
import { traversalsFrom } from '../../../../../src/sandbox/gdc/graphql/paths';
import { dataPath } from '../../../../../src/sandbox/shared/paths';

const classes = buildClasses(new Dictionary(loadDictionary(dataPath('gdc', 'dictionary'))));
const paths = (src: string, dst: string) => (traversalsFrom(classes.get(src)!, classes).get(dst) ?? []).map((p) => p.join('.'));

describe('the submission GraphQL model of the real dictionary', () => {
  it('gives properties peregrine’s scalars: ints and numbers Float, arrays lists, enums and unions String', () => {
    const c = classes.get('case')!;
    expect(c.properties.get('days_to_consent')).toBe('Float');
    expect(c.properties.get('disease_type')).toBe('String');
    expect(c.properties.has('id')).toBe(false);
    expect(c.properties.has('projects')).toBe(false);
    expect(classes.get('diagnosis')!.properties.get('sites_of_involvement')).toBe('List');
    expect(classes.get('portion')!.properties.get('is_ffpe')).toBe('Boolean');
    expect(scalarOf({ oneOf: [{ type: 'integer' }, { type: 'null' }] })).toBe('Float');
    expect(scalarOf({ oneOf: [{ type: 'integer' }], type: 'string' })).toBe('String');
  });

  it('keeps the case cache only where gdcdatamodel does (not administrative or TBD types, annotations included)', () => {
    expect(classes.get('aliquot')!.cachesCases).toBe(true);
    expect(classes.get('annotation')!.cachesCases).toBe(true);
    expect(classes.get('case')!.cachesCases).toBe(false);
    expect(classes.get('data_format')!.cachesCases).toBe(false);
    expect(classes.get('case')!.edges.has('_related_aliquot')).toBe(false);
    expect(classes.get('case')!.traversalEdges.has('_related_aliquot')).toBe(true);
  });

  it('traverses out from case freely and one step back at most, stopping at terminal edges', () => {
    expect(paths('case', 'aliquot')).toEqual(expect.arrayContaining(['samples.aliquots', 'samples.portions.analytes.aliquots', '_related_aliquot']));
    expect(paths('sample', 'read_group')).toContain('aliquots.read_groups');
    expect(paths('submitted_unaligned_reads', 'read_group')).toEqual(
      expect.arrayContaining(['read_groups', 'read_group_qcs.read_groups', 'aligned_reads_files.submitted_aligned_reads_files.read_groups']),
    );
    expect(paths('submitted_unaligned_reads', 'aliquot')).toEqual([]);
    expect(paths('aliquot', 'case')).toContain('_related_cases');
    expect(paths('case', 'annotation')).toEqual(expect.arrayContaining(['annotations', '_related_annotation', 'samples.annotations']));
    // `annotations` is a terminal edge: no path goes on past it.
    const fromSample = [...traversalsFrom(classes.get('sample')!, classes).values()].flat();
    expect(fromSample.some((p) => p.slice(0, -1).includes('annotations'))).toBe(false);
    expect(fromSample.some((p) => p[p.length - 1] === 'annotations')).toBe(true);
  });

  it('reads datetimes as Postgres and dateutil would', () => {
    expect(storedInstant('2016-04-14T08:44:43.361800+00:00')).toBe(Date.UTC(2016, 3, 14, 8, 44, 43) * 1000 + 361800);
    // ::timestamp drops a stored offset; an argument's offset counts.
    expect(storedInstant('2016-04-14T08:44:43+05:00')).toBe(Date.UTC(2016, 3, 14, 8, 44, 43) * 1000);
    expect(argumentInstant('2016-04-14T08:44:43+05:00')).toBe(Date.UTC(2016, 3, 14, 3, 44, 43) * 1000);
    expect(argumentInstant('2016-04-14')).toBe(Date.UTC(2016, 3, 14) * 1000);
    expect(() => argumentInstant('soon')).toThrow('Unknown string format: soon');
  });
});
