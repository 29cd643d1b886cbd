import fs from 'node:fs';
import path from 'node:path';
import { loadDictionary } from '../../../../src/rules/gdc/dictionary/load';
import { Dictionary } from '../../../../src/rules/gdc/dictionary/model';
import { dataPath } from '../../../../src/sandbox/shared/paths';
import { GraphStore } from '../../../../src/sandbox/gdc/store';
import { seedProjects } from '../../../../src/sandbox/gdc/seed';
import { runUpload } from '../../../../src/sandbox/gdc/upload/transaction';
import { SchemaValidator } from '../../../../src/sandbox/gdc/validate/schema';

// The real GDC dictionary (gdcdictionary 3.0.3), read in place from the shared reference folder.
const fromYaml = loadDictionary(dataPath('gdc', 'dictionary'));
const fromJson = loadDictionary(dataPath('gdc', 'dictionary_all.json.gz'));
const dictionary = new Dictionary(fromYaml);
const validator = new SchemaValidator((t) => dictionary.get(t)?.schema);

const examplesDir = dataPath('gdc', 'examples', 'valid');
const examples = fs.readdirSync(examplesDir).filter((f) => f.endsWith('.json')).sort();

describe('the real dictionary, loaded from its YAML folder', () => {
  it('has the 83 node types of dictionary_all.json', () => {
    expect(Object.keys(fromYaml.nodes).sort()).toEqual(Object.keys(fromJson.nodes).sort());
    expect(Object.keys(fromYaml.nodes)).toHaveLength(83);
  });

  it.each(Object.keys(fromJson.nodes).sort())('resolves %s exactly as gdcdictionary does', (type) => {
    const mine = fromYaml.nodes[type];
    const theirs = fromJson.nodes[type];
    expect(mine.properties).toEqual(theirs.properties);
    expect(mine.required).toEqual(theirs.required);
    expect(mine.links).toEqual(theirs.links);
    expect(mine).toEqual(theirs);
  });

  it('leaves the definition documents as the reference `_all` shows them', () => {
    expect(fromYaml.extras._definitions).toEqual(fromJson.extras._definitions);
    expect(Object.keys(fromYaml.extras).sort()).toEqual(['_definitions', '_terms', '_terms_enum', 'metaschema']);
  });
});

describe('examples/valid (JSON Schema only, as gdcdictionary\'s own test)', () => {
  it('has all 68 documents', () => {
    expect(examples).toHaveLength(68);
  });

  it.each(examples)('%s validates', (file) => {
    const doc = JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8'));
    expect(dictionary.get(doc.type)).toBeDefined();
    expect(validator.validate(doc.type, doc)).toEqual([]);
  });
});

describe('hand-made invalid documents against the real dictionary', () => {
  const store = new GraphStore();
  seedProjects(store, ['GDC-INTERNAL']);
  let tx = 0;
  const upload = (doc: unknown) =>
    runUpload({ dictionary, store, validator }, { program: 'GDC', project: 'INTERNAL', role: 'create', dryRun: true, docs: [doc] }, ++tx).envelope
      .entities[0].errors;
  const kase = { type: 'case', submitter_id: 'C-1', disease_type: 'Gliomas', primary_site: 'Brain', projects: { code: 'INTERNAL' } };

  it('accepts the good case', () => {
    expect(upload(kase)).toEqual([]);
  });

  it.each([
    ['an enum value outside the list', { ...kase, primary_site: 'Moon' }, 'ERROR', /^'Moon' is not one of \['Accessory sinuses',/],
    ['a number out of range', { ...kase, days_to_consent: -42875 }, 'ERROR', /^-42875 is less than the minimum of -32872$/],
    ['a value of the wrong type', { ...kase, days_to_consent: 'soon' }, 'INVALID_VALUE', /^'soon' is not of type 'integer'$/],
    ['a missing required property', { ...kase, disease_type: undefined }, 'MISSING_PROPERTY', /^'disease_type' is a required property$/],
    ['an unknown property', { ...kase, disease: 'x' }, 'INVALID_PROPERTY', /^Key 'disease' is not a valid property for type 'case'\. Did you mean 'disease_type'\?$/],
    ['an unknown type', { ...kase, type: 'casse' }, 'INVALID_TYPE', /^Invalid entity type: casse\. Did you mean 'case'\?$/],
    ['a type users may not upload', { type: 'project', code: 'X' }, 'INVALID_TYPE', /^project is not an entity that can be upload via the project endpoint\.$/],
    ['a custom id that is not a UUID', { ...kase, id: 'my-id' }, 'INVALID_VALUE', /^Cannot create entity with custom id that is not a UUID\.$/],
    ['a link given as text', { ...kase, projects: 'INTERNAL' }, 'INVALID_VALUE', /^'INTERNAL' is not valid under any of the given schemas: 'INTERNAL' is not of type 'array' and/],
    ['a document that is not an object', ['case'], 'INVALID_VALUE', /^Entity document must be an object, not a list$/],
    ['no type at all', { submitter_id: 'x' }, 'INVALID_TYPE', /^missing 'type'$/],
  ])('rejects %s as %s', (_what, doc, type, message) => {
    const errors = upload(JSON.parse(JSON.stringify(doc)));
    expect(errors).toContainEqual(expect.objectContaining({ type, message: expect.stringMatching(message) }));
  });

  it('warns about system properties on update, and ignores them', () => {
    const w = runUpload({ dictionary, store, validator }, { program: 'GDC', project: 'INTERNAL', role: 'create', dryRun: false, docs: [kase] }, ++tx);
    expect(w.envelope.success).toBe(true);
    const r = runUpload(
      { dictionary, store, validator },
      { program: 'GDC', project: 'INTERNAL', role: 'update', dryRun: true, docs: [{ ...kase, state: 'released' }] },
      ++tx,
    ).envelope;
    expect(r.success).toBe(true);
    expect(r.entities[0].warnings).toEqual([
      { keys: ['state'], message: "Property 'state' (released) is a system property and will be ignored.", type: 'INVALID_PROPERTY' },
    ]);
  });
});
