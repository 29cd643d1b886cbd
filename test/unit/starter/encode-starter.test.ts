import fs from 'node:fs';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { createEncodeSandbox } from '../../../src/sandbox/encode';
import { ProfileRegistry, type Json } from '../../../src/sandbox/encode/profiles';
import { dataPath, starterPath } from '../../../src/sandbox/shared/paths';

/**
 * The built-in ENCODE starter set is our own, smaller profiles; these checks keep it faithful to the
 * real ones (names, types, links, keys, required lists, enum values) so that what a newcomer tries
 * on `npm start` behaves as it would on the portal.
 */
const starter = new ProfileRegistry(starterPath('encode', 'profiles'));
const real = new ProfileRegistry(dataPath('encode', 'profiles'));
const CORE = ['award', 'lab', 'user', 'organism', 'source', 'donor', 'human_donor', 'mouse_donor', 'biosample_type', 'biosample', 'library', 'dataset', 'experiment', 'replicate', 'file', 'document', 'genetic_modification'];

/** Every enum value a property allows, wherever the profile spells it (enum, oneOf branches, items). */
function allowed(def: Json | undefined): Set<unknown> | null {
  if (!def) return null;
  const found = [def.enum, ...(def.oneOf ?? []).map((b: Json) => b.enum), def.items?.enum].filter(Array.isArray).flat();
  return found.length ? new Set(found) : null;
}

describe('the starter ENCODE profiles', () => {
  it('cover the core types', () => {
    expect([...starter.types.keys()].sort()).toEqual([...CORE].sort());
    expect(starter.get('Donor')!.subtypes.sort()).toEqual(['HumanDonor', 'MouseDonor']);
    expect(starter.get('experiment')!.bases).toEqual(['Dataset']);
  });

  describe.each(CORE)('%s', (type) => {
    const mine = starter.get(type)!.schema;
    const theirs = real.get(type)!.schema;

    it('has the real title and requires nothing the real profile does not', () => {
      expect(mine.title).toBe(theirs.title);
      for (const r of mine.required ?? []) expect(theirs.required ?? []).toContain(r);
      for (const branch of mine.anyOf ?? []) expect(theirs.anyOf).toContainEqual(branch);
    });

    it('uses real property names with their real types, links, keys and enum values', () => {
      for (const [name, def] of Object.entries(mine.properties as Json)) {
        const other = (theirs.properties as Json)[name];
        expect([type, name, !!other]).toEqual([type, name, true]);
        expect([name, def.type]).toEqual([name, other.type]);
        expect([name, def.linkTo ?? def.items?.linkTo]).toEqual([name, other.linkTo ?? other.items?.linkTo]);
        expect([name, def.uniqueKey ?? def.items?.uniqueKey]).toEqual([name, other.uniqueKey ?? other.items?.uniqueKey]);
        expect([name, def.permission]).toEqual([name, other.permission]);
        const mineEnum = allowed(def);
        const realEnum = allowed(other);
        if (mineEnum) for (const v of mineEnum) expect([name, v, realEnum?.has(v)]).toEqual([name, v, true]);
      }
      expect(mine.properties.accession?.accessionType).toBe(theirs.properties.accession?.accessionType);
    });
  });
});

describe('real inserts against the starter profiles', () => {
  // unicodeRegExp: false: ENCODE patterns are Python regexes (`\-` outside a class, as in the real age patterns).
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, unicodeRegExp: false });
  addFormats(ajv);
  for (const f of ['accession', 'hex', 'md5sum']) ajv.addFormat(f, true);
  const SERVER_SET = new Set(['schema_version', 'uuid', 'date_created', 'submitted_by', 'status']);

  it.each(['award', 'lab', 'organism', 'source', 'biosample_type', 'human_donor', 'biosample', 'library', 'replicate'])(
    '%s inserts pass once trimmed to the properties the starter keeps',
    (type) => {
      const { id: _id, $schema: _s, ...schema } = starter.get(type)!.schema;
      const validate = ajv.compile(schema);
      const rows = JSON.parse(fs.readFileSync(dataPath('encode', 'inserts', `${type}.json`), 'utf8')) as Json[];
      const failures: unknown[] = [];
      for (const row of rows.slice(0, 8)) {
        const kept = Object.fromEntries(Object.entries(row).filter(([k]) => k in schema.properties && !SERVER_SET.has(k) && !k.startsWith('@')));
        if (!validate(kept)) failures.push([row.uuid ?? row.name, validate.errors]);
      }
      expect(failures).toEqual([]);
    },
  );
});

describe('the starter seed', () => {
  it('loads through the emulator: a lab the seeded submitter submits for, an award, organisms, a source, biosample types', async () => {
    const sandbox = await createEncodeSandbox({ s3: { bucket: 'b', accessKeyId: 'k', secretAccessKey: 's' } });
    const byType = new Map<string, Json[]>();
    for (const item of sandbox.portal.store.all()) byType.set(item.itemType, [...(byType.get(item.itemType) ?? []), item.properties]);
    expect(byType.get('lab')!.map((l) => l.name)).toEqual(['sandbox-lab']);
    expect(byType.get('organism')!.map((o) => o.name).sort()).toEqual(['human', 'mouse']);
    expect(byType.get('award')).toHaveLength(1);
    expect(byType.get('source')).toHaveLength(1);
    expect(byType.get('biosample_type')).toHaveLength(2);
    const submitter = byType.get('user')!.find((u) => u.email === 'submitter@sandbox.invalid')!;
    const lab = sandbox.portal.store.byKey('lab:name', 'sandbox-lab')!;
    expect(submitter.submits_for).toEqual([lab.uuid]);
  });
});
