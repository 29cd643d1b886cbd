import fc from 'fast-check';
import zlib from 'node:zlib';
import fs from 'node:fs';
import { nodeTypesOf, unreachableNodeType } from '../../../../src/rules/gdc/reach';
import { dataPath } from '../../../../src/sandbox/shared/paths';

/** The real dictionary as `/_dictionary/_all` serves it. */
const all = JSON.parse(zlib.gunzipSync(fs.readFileSync(dataPath('gdc', 'dictionary_all.json.gz'))).toString('utf8')) as Record<string, unknown>;
const types = nodeTypesOf(all);

describe('only GDC node types go into a path', () => {
  it('takes the node types of _all, not its documents', () => {
    expect(types.has('case')).toBe(true);
    expect(types.has('submitted_unaligned_reads')).toBe(true);
    for (const doc of ['_definitions', '_terms', '_terms_enum', 'metaschema', '_settings']) expect(types.has(doc)).toBe(false);
  });

  it('refuses anything else, saying why; _all only where allowed', () => {
    expect(unreachableNodeType('case', types)).toBeNull();
    expect(unreachableNodeType('_all', types)).toMatch(/not a node type/);
    expect(unreachableNodeType('_all', types, { allowAll: true })).toBeNull();
    expect(unreachableNodeType('caes', types)).toBe("the GDC dictionary has no node type 'caes'");
  });

  it('lets nothing but a node type pass (property)', () => {
    const names = fc.oneof(fc.constantFrom(...types, '_all', '_settings', '_definitions', 'metaschema'), fc.stringMatching(/^_?[a-z][a-z0-9_]{0,30}$/));
    fc.assert(
      fc.property(names, fc.boolean(), (type, allowAll) => {
        if (unreachableNodeType(type, types, { allowAll }) === null) expect(types.has(type) || (allowAll && type === '_all')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
