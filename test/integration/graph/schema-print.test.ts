import fs from 'node:fs';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { GENERATED_DIR, printFor } from '../../../scripts/schema-print';

// schema/generated/ is committed so that a diff shows what an upstream schema change does; it must
// be what the gateway actually serves for those schemas.
describe('schema/generated/', () => {
  it.each(['starter', 'real'] as const)('%s.graphql is the SDL the gateway serves on those upstream schemas (run `npm run schema:print` after a change)', async (set) => {
    const committed = fs.readFileSync(path.join(GENERATED_DIR, `${set}.graphql`), 'utf8');
    const printed = await printFor(set);
    expect(printed === committed).toBe(true);
    // A Federation 2 subgraph SDL: its directives are defined by the @link, not in the file.
    const schema = buildSchema(committed, { assumeValidSDL: true });
    expect(schema.getType('EncodeBiosample')).toBeDefined();
    expect(schema.getType('GdcCase')).toBeDefined();
  });
});
