import { resolveSources } from '../../../../src/rules/gdc/dictionary/load';
import { Dictionary } from '../../../../src/rules/gdc/dictionary/model';
import type { JsonObject, Sources } from '../../../../src/rules/gdc/dictionary/resolve';
import { GraphStore } from '../../../../src/sandbox/gdc/store';
import { seedProjects } from '../../../../src/sandbox/gdc/seed';
import { runUpload, type UploadRequest } from '../../../../src/sandbox/gdc/upload/transaction';
import { runDelete } from '../../../../src/sandbox/gdc/deletion/transaction';
import { SchemaValidator } from '../../../../src/sandbox/gdc/validate/schema';

/** A tiny dictionary in the real layout, written for the link and multiplicity rules under test. */
export function fixtureSources(): Sources {
  const definitions: JsonObject = {
    id: '_definitions',
    uuid: { type: 'string', pattern: '^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$', systemAlias: 'node_id' },
    foreign_key: { type: 'object', additionalProperties: true, properties: { id: { $ref: '#/uuid' }, submitter_id: { type: 'string' } } },
    to_one: { anyOf: [{ type: 'array', items: { $ref: '#/foreign_key', maxItems: 1 } }, { $ref: '#/foreign_key' }] },
    to_many: { anyOf: [{ type: 'array', items: { $ref: '#/foreign_key' } }, { $ref: '#/foreign_key' }] },
    state: { default: 'validated', enum: ['validated', 'submitted', 'released'] },
    datetime: { oneOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
    ubiquitous_properties: {
      type: { type: 'string' },
      id: { $ref: '#/uuid' },
      submitter_id: { type: 'string' },
      state: { $ref: '#/state' },
      project_id: { type: 'string' },
      created_datetime: { $ref: '#/datetime' },
      updated_datetime: { $ref: '#/datetime' },
    },
  };
  const link = (name: string, target: string, multiplicity: string, required: boolean, backref: string) => ({
    name,
    backref,
    label: 'derived_from',
    target_type: target,
    multiplicity,
    required,
  });
  const node = (id: string, links: unknown[], properties: JsonObject, required: string[] = ['submitter_id'], extra: JsonObject = {}): JsonObject => ({
    $schema: 'http://json-schema.org/draft-04/schema#',
    id,
    title: id,
    type: 'object',
    category: 'biospecimen',
    program: '*',
    project: '*',
    additionalProperties: false,
    submittable: true,
    systemProperties: ['id', 'project_id', 'state', 'created_datetime', 'updated_datetime'],
    links: links as JsonObject[],
    required,
    uniqueKeys: [['id'], ['project_id', 'submitter_id']],
    properties: { $ref: '_definitions.yaml#/ubiquitous_properties', ...properties },
    ...extra,
  });
  return {
    '_definitions.yaml': definitions,
    'program.yaml': {
      id: 'program',
      category: 'administrative',
      submittable: false,
      systemProperties: ['id'],
      links: [],
      required: ['name'],
      uniqueKeys: [['id'], ['name']],
      additionalProperties: false,
      type: 'object',
      properties: { type: { type: 'string' }, id: { $ref: '_definitions.yaml#/uuid' }, name: { type: 'string' }, dbgap_accession_number: { type: 'string' } },
    },
    'project.yaml': {
      id: 'project',
      category: 'administrative',
      submittable: false,
      systemProperties: ['id', 'state'],
      links: [link('programs', 'program', 'many_to_one', true, 'projects')],
      required: ['code'],
      uniqueKeys: [['id'], ['code']],
      additionalProperties: false,
      type: 'object',
      properties: {
        type: { type: 'string' },
        id: { $ref: '_definitions.yaml#/uuid' },
        code: { type: 'string' },
        name: { type: 'string' },
        state: { default: 'open', enum: ['open', 'closed'] },
        dbgap_accession_number: { type: 'string' },
        released: { type: 'boolean' },
        releasable: { type: 'boolean' },
        programs: { $ref: '_definitions.yaml#/to_one' },
      },
    },
    'case.yaml': node('case', [link('projects', 'project', 'many_to_one', true, 'cases')], {
      primary_site: { enum: ['Brain', 'Kidney'] },
      days_to_consent: { type: 'integer', minimum: -32872, maximum: 32872 },
      projects: { $ref: '_definitions.yaml#/to_one' },
    }),
    'sample.yaml': node('sample', [link('cases', 'case', 'many_to_one', true, 'samples')], {
      is_ffpe: { type: 'boolean' },
      weight: { type: 'number' },
      sites: { type: 'array', items: { type: 'string' } },
      cases: { $ref: '_definitions.yaml#/to_one' },
    }),
    'analyte.yaml': node('analyte', [link('samples', 'sample', 'many_to_one', true, 'analytes')], { samples: { $ref: '_definitions.yaml#/to_one' } }),
    'aliquot.yaml': node(
      'aliquot',
      [
        {
          exclusive: true,
          required: true,
          subgroup: [link('analytes', 'analyte', 'many_to_one', false, 'aliquots'), link('samples', 'sample', 'many_to_many', false, 'aliquots')],
        },
      ],
      { analytes: { $ref: '_definitions.yaml#/to_one' }, samples: { $ref: '_definitions.yaml#/to_many' } },
    ),
    // one_to_one: each slide belongs to one sample and each sample has at most one slide.
    'slide.yaml': node('slide', [link('samples', 'sample', 'one_to_one', true, 'slides')], { samples: { $ref: '_definitions.yaml#/to_one' } }),
    // one_to_many: a read group may point at several pools, a pool only at one read group.
    'read_group.yaml': node('read_group', [link('pools', 'sample', 'one_to_many', false, 'read_groups')], { pools: { $ref: '_definitions.yaml#/to_many' } }),
  };
}

export function fixtureDictionary(): Dictionary {
  return new Dictionary(resolveSources(fixtureSources()));
}

/** The store and upload runner over the fixture dictionary, with the sandbox's seeded projects. */
export function fixtureWorld(projects = ['GDC-INTERNAL', 'TCGA-ALCH']) {
  const dictionary = fixtureDictionary();
  const store = new GraphStore();
  seedProjects(store, projects);
  const validator = new SchemaValidator((t) => dictionary.get(t)?.schema);
  let tx = 0;
  const upload = (docs: unknown[], opts: Partial<UploadRequest> = {}) =>
    runUpload({ dictionary, store, validator }, { program: 'GDC', project: 'INTERNAL', role: 'create', dryRun: false, docs, ...opts }, ++tx);
  const remove = (ids: string[], dryRun = false) => runDelete({ dictionary, store }, { program: 'GDC', project: 'INTERNAL', dryRun, ids }, ++tx);
  return { dictionary, store, upload, remove };
}
