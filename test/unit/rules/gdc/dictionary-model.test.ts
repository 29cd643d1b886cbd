import { resolveSources } from '../../../../src/rules/gdc/dictionary/load';
import { Dictionary } from '../../../../src/rules/gdc/dictionary/model';
import type { JsonObject } from '../../../../src/rules/gdc/dictionary/resolve';
import { fixtureSources } from '../../sandbox/gdc/fixture';

describe('Dictionary', () => {
  it('refuses a dictionary whose links name a node it does not define (links would go unchecked)', () => {
    const sources = fixtureSources();
    const project = sources['project.yaml'] as JsonObject;
    (project.links as JsonObject[]).push({ name: 'centers', backref: 'projects', label: 'member_of', target_type: 'center', multiplicity: 'many_to_many', required: false });
    expect(() => new Dictionary(resolveSources(sources))).toThrow('GDC dictionary: project.centers links to center, which the dictionary does not define');
  });
});
