import { dataPath } from '../../../src/sandbox/shared/paths';
import { guideCase } from '../../support/gdc';
import { ok, startStack, type Stack } from '../../support/stack';

/*
 * Issue 13: one vocabulary and one shape for entity errors, whichever upstream answered. Every
 * error says where (row and column of a TSV, keys), why in plain words, and keeps the upstream's
 * own text in upstreamMessage. Each kind is asserted exactly, over HTTP against the sandbox.
 */

const RESULT = `success errorCount transactionalErrors
  entities { index row valid errors { code type message upstreamMessage row column keys location } }`;
const CREATE = `mutation Create($input: CreateEntitiesInput!) { createEntities(input: $input) { ${RESULT} } }`;

const LAB = 'barbara-wold';

/** Each error as [code, row, column, keys, message, upstreamMessage]. */
const shape = (errors: any[]) => errors.map((e) => [e.code, e.row, e.column, e.keys, e.message, e.upstreamMessage]);

describe('entity errors: one vocabulary and shape for GDC and ENCODE (sandbox over HTTP)', () => {
  let stack: Stack;
  const gdc = async (input: object) => ok(await stack.gql(CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', ...input } })).createEntities;
  const encode = async (input: object) => ok(await stack.gql(CREATE, { input: { source: 'ENCODE', profile: 'biosample', ...input } })).createEntities;

  beforeAll(async () => {
    stack = await startStack(
      { encodeProfiles: dataPath('encode', 'profiles'), gdcDictionary: dataPath('gdc', 'dictionary_all.json.gz') },
      { encode: { award: 'ENCODE2', lab: LAB } },
    );
    expect((await gdc({ entities: [guideCase] })).success).toBe(true);
  }, 60_000);
  afterAll(() => stack.stop());

  describe('GDC', () => {
    it('names the row and column of each bad TSV row, in plain words, with GDC\'s text kept', async () => {
      const tsv = [
        'type\tproject_id\tsubmitter_id\tcases.submitter_id\tspecimen_type\ttissue_type\ttumor_descriptor\tpreservation_method',
        'sample\tGDC-INTERNAL\tS-ENUM\tGDC-INTERNAL-000093\tSolid Tissue\tTumour\tPrimary\tFrozen',
        'sample\tGDC-INTERNAL\tS-LINK\tNOPE\tSolid Tissue\tTumor\tPrimary\tFrozen',
        'sample\tGDC-INTERNAL\tS-MISSING\tGDC-INTERNAL-000093\t\tTumor\tPrimary\tFrozen',
        'sample\tGDC-INTERNAL\tS-OK\tGDC-INTERNAL-000093\tSolid Tissue\tNormal\tNot Reported\tFrozen',
      ].join('\n');
      const r = await gdc({ document: tsv, format: 'TSV', dryRun: true });
      expect(r).toMatchObject({ success: false, errorCount: 3 });
      expect(r.entities.map((e: any) => [e.row, shape(e.errors)])).toEqual([
        [
          2,
          [
            [
              'INVALID_VALUE',
              2,
              'tissue_type',
              ['tissue_type'],
              "Row 2, column 'tissue_type': tissue_type 'Tumour' is not one of the allowed values: 'Abnormal', 'Normal', 'Peritumoral', 'Tumor', 'Unknown', 'Not Reported', 'Not Allowed To Collect'",
              "'Tumour' is not one of ['Abnormal', 'Normal', 'Peritumoral', 'Tumor', 'Unknown', 'Not Reported', 'Not Allowed To Collect']",
            ],
          ],
        ],
        [
          3,
          [
            [
              'INVALID_LINK',
              3,
              'cases.submitter_id',
              ['cases'],
              "Row 3, column 'cases.submitter_id': link cases: no entity with project_id 'GDC-INTERNAL' and submitter_id 'NOPE' (it must exist already, or be in this submission)",
              "No link destination found for cases, unique_keys='[{'project_id': 'GDC-INTERNAL', 'submitter_id': 'NOPE'}]'",
            ],
          ],
        ],
        [
          4,
          [
            [
              'MISSING_PROPERTY',
              4,
              'specimen_type',
              ['specimen_type'],
              "Row 4, column 'specimen_type': specimen_type is required but not given",
              "'specimen_type' is a required property",
            ],
          ],
        ],
        [5, []],
      ]);
    });

    it('says an unknown type once (GDC adds an ERROR entry beside INVALID_TYPE), keeping both texts', async () => {
      const r = await gdc({ entities: [{ type: 'casse', submitter_id: 'X-TYPE' }], dryRun: true });
      expect(shape(r.entities[0].errors)).toEqual([
        [
          'INVALID_TYPE',
          null,
          null,
          ['type'],
          "type 'casse' is not a GDC entity type; did you mean 'case'?",
          "Invalid entity type: casse. Did you mean 'case'?\nspecified type: casse is not in the current data model",
        ],
      ]);
      expect(r.entities[0].errors[0].type).toBe('INVALID_TYPE');
    });

    it('says a missing type once (GDC adds the schema\'s required-property entry)', async () => {
      const r = await gdc({ entities: [{ submitter_id: 'X-NOTYPE' }], dryRun: true });
      expect(shape(r.entities[0].errors)).toEqual([
        ['INVALID_TYPE', null, null, ['type'], 'type is required but not given: every entity names its type (e.g. case, sample, aliquot)', "missing 'type'\n'type' is a required property"],
      ]);
    });

    it('words an existing entity, an unknown property and unique keys given twice without Python reprs', async () => {
      const again = await gdc({ entities: [guideCase] });
      expect(shape(again.entities[0].errors)).toEqual([
        ['NOT_UNIQUE', null, null, ['id'], 'an entity with this id already exists (submit with upsert: true to update it)', 'Cannot create an entity with an id that already exists.'],
      ]);
      const property = await gdc({ entities: [{ ...guideCase, submitter_id: 'C-COLOUR', colour: 'blue' }], dryRun: true });
      expect(shape(property.entities[0].errors)).toEqual([
        // GDC says it twice (INVALID_PROPERTY, and the schema's ERROR "Additional properties …"): one error here.
        [
          'INVALID_PROPERTY',
          null,
          null,
          ['colour'],
          'colour is not a property of case',
          "Key 'colour' is not a valid property for type 'case'.\nAdditional properties are not allowed ('colour' was unexpected)",
        ],
      ]);
      const twice = await gdc({ entities: [{ ...guideCase, submitter_id: 'C-TWICE' }, { ...guideCase, submitter_id: 'C-TWICE' }], dryRun: true });
      for (const e of twice.entities) {
        expect(shape(e.errors)).toEqual([
          [
            'NOT_UNIQUE',
            null,
            null,
            ['project_id', 'submitter_id'],
            "a case with project_id 'GDC-INTERNAL' and submitter_id 'C-TWICE' already exists",
            "case with {'project_id': 'GDC-INTERNAL', 'submitter_id': 'C-TWICE'} already exists in the GDC",
          ],
        ]);
      }
      expect(twice.transactionalErrors).toEqual([
        "NOT_UNIQUE: more than one entity of this submission has the unique key values ('GDC-INTERNAL', 'C-TWICE') (GDC: Entity is not unique, (('GDC-INTERNAL', 'C-TWICE'),))",
      ]);
    });
  });

  describe('ENCODE', () => {
    it('names the row and column of every kind of error of a TSV, the gateway\'s checks and the validator\'s alike', async () => {
      const tsv = [
        'aliases\tsource\torganism\tbiosample_ontology\tpassage_number\tpreservation_method\tcolour',
        'ee-cast\tatcc\thuman\tcell_line_EFO_0001203\tten\t\t',
        'ee-column\tatcc\thuman\tcell_line_EFO_0001203\t2\t\tred',
        'ee-link\tnowhere\thuman\tcell_line_EFO_0001203\t2\t\t',
        'ee-missing\tatcc\t\tcell_line_EFO_0001203\t2\t\t',
        'ee-enum\tatcc\thuman\tcell_line_EFO_0001203\t2\tfrozen\t',
        'ee-cast\tatcc\thuman\tcell_line_EFO_0001203\t2\t\t',
        'ee-ok\tatcc\thuman\tcell_line_EFO_0001203\t2\t\t',
      ].join('\n');
      const r = await encode({ document: tsv, format: 'TSV', dryRun: true });
      expect(r).toMatchObject({ success: false, errorCount: 6 });
      expect(r.entities.map((e: any) => [e.row, shape(e.errors)])).toEqual([
        [2, [['INVALID_VALUE', 2, 'passage_number', ['passage_number'], "Row 2, column 'passage_number': 'ten' is not an integer", null]]],
        [3, [['INVALID_PROPERTY', 3, 'colour', ['colour'], "Row 3, column 'colour': unknown column 'colour': the biosample profile has no such property", null]]],
        [4, [['INVALID_LINK', 4, 'source', ['source'], "Row 4, column 'source': source 'nowhere' names no existing record", "'nowhere' not found"]]],
        [5, [['MISSING_PROPERTY', 5, 'organism', ['organism'], "Row 5, column 'organism': organism is required but not given", "'organism' is a required property"]]],
        [
          6,
          [
            [
              'INVALID_VALUE',
              6,
              'preservation_method',
              ['preservation_method'],
              "Row 6, column 'preservation_method': preservation_method 'frozen' is not one of the allowed values: 'cryopreservation', 'flash-freezing'",
              "'frozen' is not one of ['cryopreservation', 'flash-freezing']",
            ],
          ],
        ],
        [7, [['NOT_UNIQUE', 7, 'aliases', ['aliases'], `Row 7, column 'aliases': ${LAB}:ee-cast is also given to row 2 of this batch`, null]]],
        [8, []],
      ]);
    });

    it("keeps the portal's own 422 text in upstreamMessage when a real write is refused, placed at its row", async () => {
      const tsv = ['aliases\tsource\torganism\tbiosample_ontology\tpreservation_method', 'ee-write\tatcc\thuman\tcell_line_EFO_0001203\tfrozen'].join('\n');
      const r = await encode({ document: tsv, format: 'TSV' });
      expect(r).toMatchObject({ success: false, errorCount: 1 });
      expect(shape(r.entities[0].errors)).toEqual([
        [
          'INVALID_VALUE',
          2,
          'preservation_method',
          ['preservation_method'],
          "Row 2, column 'preservation_method': preservation_method 'frozen' is not one of the allowed values: 'cryopreservation', 'flash-freezing'",
          "'frozen' is not one of ['cryopreservation', 'flash-freezing']",
        ],
      ]);
    });

    it('says the same without a row for JSON records, naming the property itself', async () => {
      const r = await encode({ entities: [{ aliases: ['ee-json'], source: 'atcc', organism: 'human', biosample_ontology: 'cell_line_EFO_0001203', colour: 'red', passage_number: 'x' }], dryRun: true });
      expect(shape(r.entities[0].errors).sort()).toEqual(
        [
          ['INVALID_PROPERTY', null, null, ['colour'], 'colour is not a property of biosample', "Additional properties are not allowed ('colour' was unexpected)"],
          ['INVALID_VALUE', null, null, ['passage_number'], "passage_number must be an integer, not 'x'", "'x' is not of type 'integer'"],
        ].sort(),
      );
    });
  });
});
