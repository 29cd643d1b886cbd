import {
  assertValidSchema,
  getNamedType,
  type GraphQLEnumType,
  GraphQLInterfaceType,
  type GraphQLNamedType,
  GraphQLObjectType,
  type GraphQLSchema,
  GraphQLUnionType,
  isEnumType,
  isListType,
  isNonNullType,
} from 'graphql';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { request } from 'undici';
import { buildGraph } from '../../../src/graph/build';
import { buildEncodeModel } from '../../../src/graph/encode/model';
import { resolvers } from '../../../src/resolvers';
import { ProfileSet, typesFromServed } from '../../../src/rules/encode/profiles';
import { loadTypeDefs } from '../../../src/schema';
import { dataPath, REAL_DATA } from '../../../src/paths';
import { startPortal, type RunningPortal } from '../../support/encode-portal';

// Generation over the real ENCODE profiles, exactly as the sandbox portal serves them at /profiles/.
let portal: RunningPortal;
let profiles: Record<string, any>;
/** The same profiles read as the gateway reads them. */
let profileSet: ProfileSet;
let schema: GraphQLSchema;

beforeAll(async () => {
  portal = await startPortal({ profilesDir: REAL_DATA.encodeProfiles, seedFile: null });
  const res = await request(`${portal.url}/profiles/?format=json`);
  profiles = (await res.body.json()) as Record<string, any>;
  profileSet = new ProfileSet(typesFromServed(profiles));
  schema = buildGraph({ encodeProfiles: profileSet, gdcDictionary: null, problems: [] }, { typeDefs: loadTypeDefs(), resolvers: resolvers as any }).schema;
});
afterAll(() => portal?.stop());

const profileNames = () => Object.keys(profiles).filter((k) => !k.startsWith('_') && !k.startsWith('@'));
const type = (name: string): GraphQLNamedType => {
  const t = schema.getType(name);
  if (!t) throw new Error(`no type ${name}`);
  return t;
};
const fieldsOf = (name: string) => (type(name) as GraphQLObjectType).getFields();
/** Concrete types an item of `name` may be. */
const concrete = (name: string): string[] => {
  const subs: string[] = profiles._subtypes[name];
  return subs.length === 1 && subs[0] === name ? [name] : subs;
};

describe('typed ENCODE graph generated from the real profiles', () => {
  it('is a valid schema with one type per profile: interfaces for abstract profiles, objects implementing EncodeRecord for the rest', () => {
    assertValidSchema(schema);
    expect(profileNames().length).toBeGreaterThan(120);
    for (const name of profileNames()) {
      const t = type(`Encode${name}`);
      const subs = concrete(name);
      if (subs.length === 1 && subs[0] === name) {
        expect(t).toBeInstanceOf(GraphQLObjectType);
        expect((t as GraphQLObjectType).getInterfaces().map((i) => i.name)).toContain('EncodeRecord');
      } else {
        expect(t).toBeInstanceOf(GraphQLInterfaceType);
        expect(schema.getPossibleTypes(t as GraphQLInterfaceType).map((p) => p.name).sort()).toEqual(subs.map((s) => `Encode${s}`).sort());
      }
    }
    for (const name of ['EncodeBiosample', 'EncodeGeneticModification', 'EncodeAntibodyLot', 'EncodeHumanDonor']) expect(type(name)).toBeInstanceOf(GraphQLObjectType);
  });

  it('keeps every profile property as a field, under its own name where GraphQL allows it', () => {
    const model = buildEncodeModel(profileSet);
    for (const name of profileNames()) {
      const t = model.types.get(name)!;
      const fields = fieldsOf(`Encode${name}`);
      const keys = Object.keys(profiles[name].properties).filter((k) => !['@id', '@type', 'uuid', 'status'].includes(k));
      const mapped = t.abstract ? [] : keys.map((k) => t.fields.find((f) => f.key === k)!);
      if (!t.abstract) {
        expect(mapped.every(Boolean)).toBe(true);
        for (const f of mapped) expect(fields[f.name]).toBeDefined();
        for (const f of mapped) if (/^[_A-Za-z][_0-9A-Za-z]*$/.test(f.key)) expect(f.name).toBe(f.key);
      }
      for (const field of ['id', 'uuid', 'atId', 'atType', 'status', 'raw']) expect(fields[field]).toBeDefined();
    }
    const bismark = fieldsOf('EncodeBismarkQualityMetric');
    expect(bismark.Mapping_efficiency.description).toContain('"Mapping efficiency"');
    expect(fieldsOf('EncodeHicQualityMetric')._2_alignments).toBeDefined();
    expect(fieldsOf('EncodeBiosample').biosample_ontology.description).toMatch(/\w/);
  });

  it('resolves every linkTo to the linked type, an interface for an abstract target, a union for several', () => {
    let checked = 0;
    for (const name of profileNames()) {
      if (concrete(name)[0] !== name) continue;
      const fields = fieldsOf(`Encode${name}`);
      for (const [key, prop] of Object.entries<any>(profiles[name].properties)) {
        const link = prop.linkTo ?? prop.items?.linkTo;
        if (!link || !/^[_A-Za-z][_0-9A-Za-z]*$/.test(key)) continue;
        const targets: string[] = [...new Set<string>([].concat(link))].filter((t) => profiles[t]);
        const field = fields[key];
        const named = getNamedType(field.type);
        if (targets.length === 1) expect(named.name).toBe(`Encode${targets[0]}`);
        else {
          expect(named).toBeInstanceOf(GraphQLUnionType);
          const members = new Set(targets.flatMap(concrete).map((t) => `Encode${t}`));
          expect((named as GraphQLUnionType).getTypes().map((t) => t.name).sort()).toEqual([...members].sort());
        }
        // Arrays of links are lists; their items may be null (a record the caller cannot read).
        expect(isListType(field.type)).toBe(prop.type === 'array');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(400);
    expect(getNamedType(fieldsOf('EncodeBiosample').donor.type).name).toBe('EncodeDonor');
    expect(type('EncodeDonor')).toBeInstanceOf(GraphQLInterfaceType);
  });

  it('has the calculated reverse link the portal serves: experiment.replicates lists EncodeReplicate', () => {
    const replicates = fieldsOf('EncodeExperiment').replicates;
    expect(isListType(replicates.type)).toBe(true);
    expect(getNamedType(replicates.type).name).toBe('EncodeReplicate');
    expect(fieldsOf('EncodeReplicate').experiment).toBeDefined();
  });

  it('types scalars: enums of GraphQL names as enums, other enums as String with the values listed, 64-bit integers as SafeInt, mixed types as JSON', () => {
    expect(fieldsOf('EncodeLab').status.type.toString()).toBe('String'); // the interface's field, whatever the enum
    const biosample = fieldsOf('EncodeBiosample');
    const units = profiles.Biosample.properties.sample_collection_age_units;
    const unitsType = getNamedType(biosample.sample_collection_age_units.type);
    if ((units.enum as string[]).every((v) => /^[_A-Za-z][_0-9A-Za-z]*$/.test(v))) {
      expect(isEnumType(unitsType)).toBe(true);
      expect((unitsType as GraphQLEnumType).getValues().map((v) => v.name)).toEqual(units.enum);
    }
    const classification = fieldsOf('EncodeBiosampleType').classification;
    expect(classification.type.toString()).toBe('String');
    expect(classification.description).toContain('"cell line"');
    expect(fieldsOf('EncodeFile').file_size.type.toString()).toBe('SafeInt');
    expect(fieldsOf('EncodeAtacLibraryQualityMetric').PBC2.type.toString()).toBe('JSON');
  });

  it('shares nested types between profiles that embed the same object (attachments)', () => {
    const a = getNamedType(fieldsOf('EncodeDocument').attachment.type);
    const b = getNamedType(fieldsOf('EncodeAntibodyCharacterization').attachment.type);
    expect(a).toBeInstanceOf(GraphQLObjectType);
    expect(a.name).toBe(b.name);
    expect(Object.keys((a as GraphQLObjectType).getFields())).toEqual(expect.arrayContaining(['download', 'href', 'type']));
  });

  it('has EncodeQuery fields per profile: <item type>(id:) and a list named after the collection', () => {
    const q = fieldsOf('EncodeQuery');
    for (const [field, typeName] of [
      ['biosample', 'EncodeBiosample'],
      ['biosamples', 'EncodeBiosample'],
      ['library', 'EncodeLibrary'],
      ['libraries', 'EncodeLibrary'],
      ['genetic_modifications', 'EncodeGeneticModification'],
      ['antibody_lot', 'EncodeAntibodyLot'],
      ['antibodies', 'EncodeAntibodyLot'],
      ['donors', 'EncodeDonor'],
      ['all_software', 'EncodeSoftware'],
    ]) {
      expect(getNamedType(q[field].type).name).toBe(typeName);
    }
    expect(q.biosample.args.map((a) => `${a.name}: ${a.type}`)).toEqual(['id: ID!']);
    expect(q.biosamples.args.map((a) => `${a.name}: ${a.type} = ${a.defaultValue}`)).toEqual([
      'filters: [EncodeFilter!] = undefined',
      'limit: Int = 25',
      'from: Int = 0',
    ]);
    expect(getNamedType(q.search.type).name).toBe('EncodeRecord');
    const model = buildEncodeModel(profileSet);
    for (const name of profileNames()) {
      const t = model.types.get(name)!;
      expect(q[t.itemType]).toBeDefined();
      expect(q[t.listField]).toBeDefined();
    }
  });

  it('has typed create mutations whose inputs hold the submittable properties, required ones non-null', () => {
    const m = fieldsOf('Mutation');
    const create = m.createEncodeBiosamples;
    expect(create.type.toString()).toBe('SubmissionResult!');
    expect(create.args.map((a) => a.name)).toEqual(['records', 'dryRun', 'upsert', 'award', 'lab', 'noAliases']);
    const input = (type('EncodeBiosampleInput') as any).getFields();
    expect(isNonNullType(input.biosample_ontology.type)).toBe(true);
    expect(isNonNullType(input.lab.type)).toBe(false); // the gateway may fill it (createEntities lab / DCC_LAB)
    expect(input['@id']).toBeUndefined();
    expect(input.accession).toBeDefined();
    expect(input.donor.type.toString()).toBe('String'); // a link is given as any identifier
    expect(m.createEncodeLibraries).toBeDefined();
    expect(m.createEncodeAntibodyLots).toBeDefined();
    expect(m.createEncodeDonors).toBeUndefined(); // abstract: nothing to POST to
  });
});

describe('typed GDC graph generated from the real dictionary', () => {
  let dictionary: Record<string, any>;
  let gdcSchema: GraphQLSchema;
  const nodes = () => Object.keys(dictionary).filter((k) => !k.startsWith('_') && k !== 'metaschema');
  const pascal = (label: string) => label.split('_').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
  const gdcFields = (name: string) => (gdcSchema.getType(name) as GraphQLObjectType).getFields();

  beforeAll(() => {
    const text = zlib.gunzipSync(fs.readFileSync(path.join(dataPath('gdc'), 'dictionary_all.json.gz'))).toString('utf8');
    dictionary = JSON.parse(text);
    gdcSchema = buildGraph({ encodeProfiles: null, gdcDictionary: dictionary, problems: [] }, { typeDefs: loadTypeDefs(), resolvers: resolvers as any }).schema;
  });

  it('is a valid schema with one Gdc<Node> type per dictionary node, each a GdcEntity', () => {
    assertValidSchema(gdcSchema);
    expect(nodes().length).toBe(83);
    const entity = gdcSchema.getType('GdcEntity') as GraphQLInterfaceType;
    expect(gdcSchema.getPossibleTypes(entity).map((t) => t.name).sort()).toEqual(nodes().map((n) => `Gdc${pascal(n)}`).sort());
    for (const name of ['GdcCase', 'GdcSubmittedUnalignedReads', 'GdcReadGroup', 'GdcAliquot']) expect(gdcSchema.getType(name)).toBeInstanceOf(GraphQLObjectType);
  });

  it('has every property and every link in both directions, each link taking its target type and its count', () => {
    let links = 0;
    for (const label of nodes()) {
      const fields = gdcFields(`Gdc${pascal(label)}`);
      for (const key of Object.keys(dictionary[label].properties)) expect(fields[key]).toBeDefined();
      const flat = (entries: any[]): any[] => entries.flatMap((e) => (e.subgroup ? flat(e.subgroup) : [e]));
      for (const link of flat(dictionary[label].links ?? [])) {
        const forward = fields[link.name];
        expect(getNamedType(forward.type).name).toBe(`Gdc${pascal(link.target_type)}`);
        expect(fields[`_${link.name}_count`].type.toString()).toBe('Int');
        const back = gdcFields(`Gdc${pascal(link.target_type)}`)[link.backref];
        expect(getNamedType(back.type).name).toBe(`Gdc${pascal(label)}`);
        expect(back.args.map((a) => a.name)).toEqual(expect.arrayContaining(['first', 'offset', 'with_path_to', 'order_by_asc', 'submitter_id', 'not']));
        links++;
      }
    }
    expect(links).toBeGreaterThan(150);
    expect(gdcFields('GdcAliquot')._related_cases).toBeDefined();
    expect(getNamedType(gdcFields('GdcCase')._links.type).name).toBe('GdcEntity');
  });

  it('has GdcQuery roots per node type with the submission GraphQL arguments, plus node', () => {
    const q = gdcFields('GdcQuery');
    for (const label of nodes()) {
      const root = q[label];
      expect(root.type.toString()).toBe(`[Gdc${pascal(label)}!]!`);
      expect(q[`_${label}_count`].type.toString()).toBe('Int!');
      const args = Object.fromEntries(root.args.map((a) => [a.name, a.type.toString()]));
      expect(args).toMatchObject({ id: 'String', ids: '[String]', first: 'Int', offset: 'Int', order_by_asc: 'String', order_by_desc: 'String', with_links: '[String]', without_links: '[String]', with_path_to: '[GdcWithPathToInput]' });
      expect(root.args.find((a) => a.name === 'first')!.defaultValue).toBe(10);
    }
    const caseArgs = Object.fromEntries(q.case.args.map((a) => [a.name, a.type.toString()]));
    expect(caseArgs).toMatchObject({ submitter_id: '[String]', disease_type: '[String]', project_id: '[String]', not: '[GdcCaseNotPropertiesInput]' });
    expect(Object.fromEntries(q.sample.args.map((a) => [a.name, a.type.toString()])).days_to_collection).toBe('[Float]');
    expect(getNamedType(q.node.type).name).toBe('GdcEntity');
  });

  it('types properties: enums of GraphQL names as enums, others String with the allowed values, ints Int or SafeInt', () => {
    const sample = gdcFields('GdcSample');
    expect(sample.sample_type.type.toString()).toBe('String');
    expect(sample.sample_type.description).toContain('"Blood Derived Normal"');
    expect(sample.days_to_collection.type.toString()).toBe('Int');
    expect(gdcFields('GdcSubmittedUnalignedReads').file_size.type.toString()).toBe('SafeInt');
    expect(gdcFields('GdcCase').state.type.toString()).toBe('String'); // GdcEntity's, whatever the enum
    const enums = Object.values(gdcSchema.getTypeMap()).filter((t): t is GraphQLEnumType => isEnumType(t) && t.name.startsWith('Gdc'));
    expect(enums.length).toBeGreaterThan(0);
    for (const e of enums) for (const v of e.getValues()) expect(v.name).toMatch(/^[_A-Za-z][_0-9A-Za-z]*$/);
  });

  it('has typed create mutations for submittable nodes, links as GdcLinkInput lists', () => {
    const m = gdcFields('Mutation');
    expect(m.createGdcCases.args.map((a) => `${a.name}: ${a.type}`)).toEqual([
      'project: String!',
      'entities: [GdcCaseInput!]!',
      'dryRun: Boolean',
      'upsert: Boolean',
      'async: Boolean',
      'chunkSize: Int',
    ]);
    expect(m.createGdcSubmittedUnalignedReads).toBeDefined();
    expect(m.createGdcDiagnoses).toBeDefined();
    expect(m.createGdcPrograms).toBeUndefined();
    const input = (gdcSchema.getType('GdcSampleInput') as any).getFields();
    expect(input.cases.type.toString()).toBe('[GdcLinkInput!]!');
    expect(input.tissue_type.type.toString()).toBe('String!');
    expect(input.sample_type.type.toString()).toBe('String');
    expect(input.project_id).toBeUndefined(); // a system property
    expect(input.type).toBeUndefined(); // implied by the mutation
  });
});
