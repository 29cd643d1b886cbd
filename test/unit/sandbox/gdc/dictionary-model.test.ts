import { resolveSources } from '../../../../src/sandbox/gdc/dictionary/load';
import { Dictionary } from '../../../../src/sandbox/gdc/dictionary/model';
import type { JsonObject } from '../../../../src/sandbox/gdc/dictionary/resolve';
import { fixtureSources } from './fixture';

describe('Dictionary', () => {
  it('refuses a dictionary whose links name a node it does not define (links would go unchecked)', () => {
    const sources = fixtureSources();
    const project = sources['project.yaml'] as JsonObject;
    (project.links as JsonObject[]).push({ name: 'centers', backref: 'projects', label: 'member_of', target_type: 'center', multiplicity: 'many_to_many', required: false });
    expect(() => new Dictionary(resolveSources(sources))).toThrow('GDC dictionary: project.centers links to center, which the dictionary does not define');
  });
});
