import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { dataPath, starterPath } from '../../../src/sandbox/shared/paths';

/**
 * The built-in starter ENCODE set (src/sandbox/starter/encode) checked on its own terms, with a
 * resolver written here rather than the emulator's: the profiles compile as draft-04, stay faithful
 * to the real profiles (data/encode/profiles), the seed is valid and its links close,
 * and real inserts of the core types pass the starter (so its patterns and enums are not stricter
 * than real data for the properties it keeps).
 */

type Json = Record<string, any>;

const STARTER_DIR = starterPath('encode', 'profiles');
const REAL_DIR = dataPath('encode', 'profiles');
const INSERTS_DIR = dataPath('encode', 'inserts');
const SEED_FILE = starterPath('encode', 'seed.json');

const TYPES = [
  'award', 'lab', 'user', 'organism', 'source', 'donor', 'human_donor', 'mouse_donor', 'biosample_type',
  'biosample', 'library', 'dataset', 'experiment', 'replicate', 'file', 'document', 'genetic_modification',
];

// ---------------------------------------------------------------------------------------------
// A small mixinProperties resolver, as snovault documents it (API-NOTES §3): each `$ref` is
// `<file>.json#/<pointer>`; mixins are merged keyword by keyword (the same keyword with a different
// value in two mixins is a conflict); the schema's own `properties` then override keyword by keyword.

interface Resolved {
  schema: Json;
  /** `<property>/<keyword>` pairs on which two mixins disagree. */
  conflicts: string[];
}

const readJson = (file: string): Json => JSON.parse(fs.readFileSync(file, 'utf8')) as Json;

function resolveProfile(dir: string, name: string): Resolved {
  const raw = readJson(path.join(dir, `${name}.json`));
  const properties: Json = {};
  const conflicts: string[] = [];
  for (const { $ref } of (raw.mixinProperties ?? []) as { $ref: string }[]) {
    const [file, pointer = ''] = $ref.split('#');
    let node: any = readJson(path.join(dir, file));
    for (const part of pointer.split('/').filter(Boolean)) node = node?.[part];
    if (!node || typeof node !== 'object') throw new Error(`${name}.json: ${$ref} does not resolve`);
    for (const [prop, def] of Object.entries(node as Json)) {
      const into = (properties[prop] ??= {});
      for (const [k, v] of Object.entries(def as Json)) {
        if (!(k in into)) into[k] = structuredClone(v);
        else if (JSON.stringify(into[k]) !== JSON.stringify(v)) conflicts.push(`${prop}/${k}`);
      }
    }
  }
  for (const [prop, def] of Object.entries((raw.properties ?? {}) as Json)) Object.assign((properties[prop] ??= {}), structuredClone(def));
  const { mixinProperties: _m, ...rest } = raw;
  return { schema: { ...rest, properties }, conflicts };
}

const starter = new Map(TYPES.map((t) => [t, resolveProfile(STARTER_DIR, t)]));
const real = new Map(TYPES.map((t) => [t, resolveProfile(REAL_DIR, t)]));

/** `biosample_type` → `BiosampleType`. */
const typeName = (itemType: string) => itemType.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');

/** Every enum value a property definition allows (its enum, its oneOf branches' enums). */
function allowedValues(def: Json | undefined): unknown[] | null {
  if (!def) return null;
  const found = [def.enum, ...((def.oneOf ?? []) as Json[]).map((b) => b.enum)].filter(Array.isArray).flat();
  return found.length ? found : null;
}

// ---------------------------------------------------------------------------------------------
// ajv-draft-04 with ENCODE's keywords as no-ops (their behaviour is the emulator's business).

const ENCODE_KEYWORDS = [
  'linkTo', 'linkEnum', 'linkSubmitsFor', 'linkFrom', 'uniqueKey', 'permission', 'requestMethod', 'serverDefault',
  'accessionType', 'notSubmittable', 'calculatedProperty', 'readonly', 'attachment', 'validators',
];
const ANNOTATIONS = [
  'mixinProperties', 'comment', 'formInput', 'rdfs:subPropertyOf', 'identifyingProperties', 'facets', 'columns',
  'boost_values', 'facet_groups', 'changelog', 'submissionExample', 'es', 'file_format_file_extension',
  'output_type_output_category', '_subtypes',
];
/**
 * Annotations whose names are not valid ajv keyword names; strict: false lets ajv ignore them.
 * `hidden comment` is how the real abstract bases (dataset, donor) annotate schema_version.
 */
const UNREGISTRABLE_ANNOTATIONS = ['@type', 'hidden comment'];
const DRAFT4_KEYWORDS = [
  'id', '$schema', '$ref', 'title', 'description', 'default', 'type', 'enum', 'format', 'pattern', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'items', 'additionalItems', 'minItems',
  'maxItems', 'uniqueItems', 'properties', 'patternProperties', 'additionalProperties', 'required', 'minProperties',
  'maxProperties', 'dependencies', 'anyOf', 'oneOf', 'allOf', 'not', 'definitions',
];
const VOCABULARY = new Set([...DRAFT4_KEYWORDS, ...ENCODE_KEYWORDS, ...ANNOTATIONS, ...UNREGISTRABLE_ANNOTATIONS]);

function makeAjv(): Ajv {
  // unicodeRegExp: false because ENCODE patterns are Python regexes (`\-` outside a class is fine there).
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, unicodeRegExp: false });
  addFormats(ajv);
  ajv.addFormat('accession', /^(ENC[A-Z]{2}\d{3}[A-Z]{3}|TST[A-Z]{2}\d{6})$/);
  for (const unchecked of ['hex', 'md5sum', 'gene_name', 'postal-code', 'target_label']) ajv.addFormat(unchecked, true);
  for (const keyword of [...ENCODE_KEYWORDS, ...ANNOTATIONS]) ajv.addKeyword({ keyword });
  return ajv;
}

const ajv = makeAjv();
const compiled = new Map<string, ValidateFunction>();
function validatorFor(itemType: string): ValidateFunction {
  let fn = compiled.get(itemType);
  if (!fn) {
    fn = ajv.compile(starter.get(itemType)!.schema);
    compiled.set(itemType, fn);
  }
  return fn;
}

/** Every keyword used in schema position under `schema`, with where it was found. */
function keywordsIn(schema: Json, where: string, out: Map<string, string>): void {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return;
  for (const [k, v] of Object.entries(schema)) {
    if (!out.has(k)) out.set(k, `${where}/${k}`);
    if (k === 'properties' || k === 'patternProperties' || k === 'definitions') {
      for (const [p, sub] of Object.entries(v as Json)) keywordsIn(sub as Json, `${where}/${k}/${p}`, out);
    } else if (k === 'dependencies') {
      for (const [p, sub] of Object.entries(v as Json)) if (!Array.isArray(sub)) keywordsIn(sub as Json, `${where}/${k}/${p}`, out);
    } else if (k === 'anyOf' || k === 'oneOf' || k === 'allOf') {
      (v as Json[]).forEach((sub, i) => keywordsIn(sub, `${where}/${k}/${i}`, out));
    } else if (k === 'not' || k === 'additionalProperties' || k === 'additionalItems') {
      keywordsIn(v as Json, `${where}/${k}`, out);
    } else if (k === 'items') {
      if (Array.isArray(v)) v.forEach((sub, i) => keywordsIn(sub, `${where}/items/${i}`, out));
      else keywordsIn(v as Json, `${where}/items`, out);
    }
  }
}

function unknownKeywords(dir: string, names: string[]): string[] {
  const out = new Map<string, string>();
  for (const name of names) keywordsIn(readJson(path.join(dir, `${name}.json`)), name, out);
  const mixins = readJson(path.join(dir, 'mixins.json'));
  for (const [mixin, props] of Object.entries(mixins)) {
    if (typeof props !== 'object') continue; // the real mixins.json also has a top-level "title" string
    for (const [p, def] of Object.entries(props as Json)) keywordsIn(def as Json, `mixins/${mixin}/${p}`, out);
  }
  return [...out].filter(([k]) => !VOCABULARY.has(k)).map(([k, where]) => `${k} (${where})`).sort();
}

// ---------------------------------------------------------------------------------------------

describe('starter ENCODE profiles: layout and draft-04', () => {
  it('has mixins.json and exactly one profile per starter type', () => {
    const files = fs.readdirSync(STARTER_DIR).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(['mixins.json', ...TYPES.map((t) => `${t}.json`)].sort());
  });

  it.each(TYPES)('%s has the portal header keywords', (t) => {
    const raw = readJson(path.join(STARTER_DIR, `${t}.json`));
    expect(raw.id).toBe(`/profiles/${t}.json`);
    expect(raw.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(raw.type).toBe('object');
    expect(typeof raw.title).toBe('string');
    expect(Array.isArray(raw.mixinProperties)).toBe(true);
  });

  it.each(TYPES)('%s resolves without mixin conflicts and compiles with ajv-draft-04', (t) => {
    expect(starter.get(t)!.conflicts).toEqual([]);
    expect(() => validatorFor(t)).not.toThrow();
  });

  it('uses only draft-04 and known ENCODE keywords (no typos a validator would silently ignore)', () => {
    expect(unknownKeywords(STARTER_DIR, TYPES)).toEqual([]);
  });

  it('keeps only the mixins its profiles use, each a real mixin with the same property names', () => {
    const mine = readJson(path.join(STARTER_DIR, 'mixins.json'));
    const theirs = readJson(path.join(REAL_DIR, 'mixins.json'));
    const used = new Set(
      TYPES.flatMap((t) => (readJson(path.join(STARTER_DIR, `${t}.json`)).mixinProperties as { $ref: string }[]).map((r) => r.$ref))
        .filter((r) => r.startsWith('mixins.json#/'))
        .map((r) => r.slice('mixins.json#/'.length)),
    );
    expect(Object.keys(mine).sort()).toEqual([...used].sort());
    for (const [name, props] of Object.entries(mine)) {
      expect([name, Object.keys(props as Json).sort()]).toEqual([name, Object.keys(theirs[name] ?? {}).sort()]);
    }
  });

  it('says why its alias pattern is more permissive than the real one', () => {
    const aliases = readJson(path.join(STARTER_DIR, 'mixins.json')).aliases.aliases;
    expect(aliases.items.uniqueKey).toBe('alias');
    expect(typeof aliases.comment).toBe('string');
    const re = new RegExp(aliases.items.pattern);
    for (const ok of ['sandbox-lab:bs-1', 'john-doe:42', "j.d+x:a_b(1) c"]) expect([ok, re.test(ok)]).toEqual([ok, true]);
    for (const bad of ['no-colon', 'lab:', ':id', 'lab:a  b']) expect([bad, re.test(bad)]).toEqual([bad, false]);
  });
});

describe('starter ENCODE profiles: faithful to the real ones', () => {
  describe.each(TYPES)('%s', (t) => {
    const mine = starter.get(t)!.schema;
    const theirs = real.get(t)!.schema;
    const mineRaw = readJson(path.join(STARTER_DIR, `${t}.json`));
    const theirsRaw = readJson(path.join(REAL_DIR, `${t}.json`));

    it('has the real title, additionalProperties and a subset of the real mixins', () => {
      expect(mine.title).toBe(theirs.title);
      expect(mine.additionalProperties).toEqual(theirs.additionalProperties);
      const realRefs = (theirsRaw.mixinProperties as { $ref: string }[]).map((r) => r.$ref);
      for (const { $ref } of mineRaw.mixinProperties as { $ref: string }[]) expect([$ref, realRefs.includes($ref)]).toEqual([$ref, true]);
    });

    it('requires nothing the real profile does not', () => {
      for (const r of mine.required ?? []) expect([r, (theirs.required ?? []).includes(r)]).toEqual([r, true]);
      // anyOf alternatives of required lists (file, genetic_modification) are real ones, verbatim
      for (const branch of mine.anyOf ?? []) expect(theirs.anyOf).toContainEqual(branch);
      for (const key of Object.keys(mine.dependencies ?? {})) expect([key, key in (theirs.dependencies ?? {})]).toEqual([key, true]);
    });

    it('identifies records by real identifying properties it defines', () => {
      for (const p of mine.identifyingProperties ?? []) {
        expect([p, (theirs.identifyingProperties ?? []).includes(p), p in mine.properties]).toEqual([p, true, true]);
      }
    });

    it('uses real property names with the real type, linkTo, uniqueKey and server keywords', () => {
      for (const [name, def] of Object.entries(mine.properties as Json)) {
        const other = (theirs.properties as Json)[name];
        expect([name, other !== undefined]).toEqual([name, true]);
        for (const k of ['type', 'linkTo', 'uniqueKey', 'permission', 'requestMethod', 'serverDefault', 'accessionType', 'linkSubmitsFor', 'linkEnum', 'format']) {
          expect([name, k, def[k]]).toEqual([name, k, other[k]]);
          if (def.items) expect([name, 'items', k, def.items[k]]).toEqual([name, 'items', k, other.items?.[k]]);
        }
        if ('default' in def) expect([name, 'default', def.default]).toEqual([name, 'default', other.default]);
      }
    });

    it('has no pattern stricter than or different from the real one (aliases excepted, see its comment)', () => {
      for (const [name, def] of Object.entries(mine.properties as Json)) {
        const other = (theirs.properties as Json)[name];
        if (name !== 'aliases') expect([name, def.items?.pattern]).toEqual([name, other.items?.pattern]);
        expect([name, def.pattern]).toEqual([name, other.pattern]);
      }
    });

    it('allows only enum values the real profile allows', () => {
      for (const [name, def] of Object.entries(mine.properties as Json)) {
        const other = (theirs.properties as Json)[name];
        for (const [m, r] of [[def, other], [def.items, other.items]] as [Json | undefined, Json | undefined][]) {
          const values = allowedValues(m);
          if (!values) continue;
          const realValues = allowedValues(r) ?? [];
          for (const v of values) expect([name, v, realValues.includes(v)]).toEqual([name, v, true]);
        }
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('the starter seed', () => {
  const seed = readJson(SEED_FILE) as Record<string, Json[]>;
  const order = Object.keys(seed).filter((k) => k !== '@patch');
  const SERVER_FILLED = ['schema_version', 'accession', 'date_created', 'submitted_by'];
  const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  /** Each record with the `@patch` changes that name it applied (they close link cycles). */
  const records: { itemType: string; record: Json }[] = order.flatMap((itemType) => seed[itemType].map((r) => ({ itemType, record: structuredClone(r) })));

  /** Values other records may link to this one by: uuid, accession, aliases, uniqueKey properties. */
  function keysOf(itemType: string, record: Json): string[] {
    const keys = [record.uuid, record.accession, ...(record.aliases ?? [])];
    for (const [name, def] of Object.entries(starter.get(itemType)!.schema.properties as Json)) {
      if (def.uniqueKey !== undefined && typeof record[name] === 'string') keys.push(record[name]);
    }
    return keys.filter((k): k is string => typeof k === 'string');
  }
  /** `HumanDonor` is a `Donor`: a profile mixing in `<base>.json#/properties` is a subtype of base. */
  function isA(itemType: string, target: string): boolean {
    if (typeName(itemType) === target) return true;
    const refs = (readJson(path.join(STARTER_DIR, `${itemType}.json`)).mixinProperties as { $ref: string }[]).map((r) => r.$ref);
    return refs.some((r) => r.endsWith('.json#/properties') && typeName(r.split('.json')[0]) === target);
  }
  function find(value: string, targets: string[]) {
    return records.find(({ itemType, record }) => targets.some((t) => isA(itemType, t)) && keysOf(itemType, record).includes(value));
  }

  for (const [i, { id, ...changes }] of (seed['@patch'] ?? []).entries()) {
    const hit = records.find(({ itemType, record }) => keysOf(itemType, record).includes(id));
    if (!hit) throw new Error(`seed @patch[${i}] names ${id}, which no seed record has`);
    Object.assign(hit.record, changes);
  }

  it('lists its types in load order, each with a starter profile', () => {
    expect(order).toEqual(['user', 'award', 'lab', 'organism', 'source', 'biosample_type']);
  });

  it('gives every record a fixed, distinct v4 uuid', () => {
    const uuids = records.map(({ record }) => record.uuid);
    for (const u of uuids) expect([u, UUID4.test(u)]).toEqual([u, true]);
    expect(new Set(uuids).size).toBe(uuids.length);
  });

  it('holds the sandbox submitter, award, lab, organisms, source and biosample types', () => {
    const of = (t: string) => records.filter((r) => r.itemType === t).map((r) => r.record);
    const [user] = of('user');
    const [lab] = of('lab');
    expect(user.email).toBe('submitter@sandbox.invalid');
    expect(lab.name).toBe('sandbox-lab');
    expect(find(user.lab, ['Lab'])?.record.uuid).toBe(lab.uuid);
    expect(user.submits_for.map((l: string) => find(l, ['Lab'])?.record.uuid)).toEqual([lab.uuid]);
    expect(of('award')).toEqual([expect.objectContaining({ project: 'ENCODE', rfa: 'ENCODE4' })]);
    expect(of('organism').map((o) => [o.name, o.taxon_id, o.scientific_name]).sort()).toEqual([
      ['human', '9606', 'Homo sapiens'],
      ['mouse', '10090', 'Mus musculus'],
    ]);
    expect(of('source').map((s) => [s.name, s.title])).toEqual([['atcc', 'ATCC']]);
    expect(of('biosample_type').map((b) => [b.classification, b.term_id, b.term_name])).toEqual([
      ['cell line', 'EFO:0001203', 'MCF-7'],
      ['tissue', 'UBERON:0002107', 'liver'],
    ]);
  });

  it('uses the organism uuids the donor profiles name in linkEnum', () => {
    const organisms = new Map(records.filter((r) => r.itemType === 'organism').map(({ record }) => [record.name, record.uuid]));
    expect(starter.get('human_donor')!.schema.properties.organism.linkEnum).toEqual([organisms.get('human')]);
    expect(starter.get('mouse_donor')!.schema.properties.organism.linkEnum).toEqual([organisms.get('mouse')]);
  });

  it.each(records.map(({ itemType, record }) => [itemType, record.uuid, record] as const))(
    '%s %s is valid against its starter profile',
    (itemType, _uuid, record) => {
      const body = Object.fromEntries(Object.entries(record).filter(([k]) => !SERVER_FILLED.includes(k)));
      const validate = validatorFor(itemType);
      expect([validate(body), validate.errors ?? null]).toEqual([true, null]);
    },
  );

  it('links only to seed records of the linked type (by uuid or unique key)', () => {
    const broken: string[] = [];
    for (const { itemType, record } of records) {
      for (const [name, def] of Object.entries(starter.get(itemType)!.schema.properties as Json)) {
        const linkTo = def.linkTo ?? def.items?.linkTo;
        if (!linkTo || record[name] === undefined) continue;
        const targets: string[] = Array.isArray(linkTo) ? linkTo : [linkTo];
        const values: string[] = Array.isArray(record[name]) ? record[name] : [record[name]];
        for (const v of values) if (!find(v, targets)) broken.push(`${itemType} ${record.uuid} ${name}=${v} (${targets.join('|')})`);
      }
    }
    expect(broken).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('real inserts against the starter profiles', () => {
  /** The first records of a type, trimmed to what the starter profile defines. */
  function trimmedInserts(itemType: string, count: number): Json[] {
    const props = starter.get(itemType)!.schema.properties as Json;
    const rows = JSON.parse(fs.readFileSync(path.join(INSERTS_DIR, `${itemType}.json`), 'utf8')) as Json[];
    return rows.slice(0, count).map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => k in props)));
  }

  it.each(['award', 'lab', 'organism', 'source', 'biosample_type'])('the first %s inserts pass once trimmed', (itemType) => {
    const validate = validatorFor(itemType);
    const rows = trimmedInserts(itemType, 5);
    expect(rows.length).toBeGreaterThan(0);
    const failures = rows.filter((row) => !(validate(row) as boolean)).map((row) => [row.uuid, validate.errors]);
    expect(failures).toEqual([]);
  });

  it.each(['user', 'human_donor', 'mouse_donor', 'biosample', 'library', 'replicate'])(
    'the first %s inserts pass too (types whose short enums still cover them)',
    (itemType) => {
      const validate = validatorFor(itemType);
      const rows = trimmedInserts(itemType, 5);
      const failures = rows.map((row) => ((validate(row) as boolean) ? null : [row.uuid, validate.errors])).filter(Boolean);
      expect(failures).toEqual([]);
    },
  );
});

// ---------------------------------------------------------------------------------------------

describe('real profiles: keyword forms the emulator must tolerate (informational, pinned to the reference commit)', () => {
  it('the real core profiles resolve without mixin conflicts', () => {
    expect(TYPES.filter((t) => real.get(t)!.conflicts.length).map((t) => [t, real.get(t)!.conflicts])).toEqual([]);
  });

  it('lists the real keywords outside draft-04 and the documented ENCODE vocabulary', () => {
    // Stray keys in ENCODE-DCC/encoded@046703ce, all ignored by jsonschema (so by the emulator too):
    // `decription` (typo, file date_created), `permissions` (typo for `permission`, so library's
    // legacy strand_specificity value is open to everyone), `elasticsearch_mapping_index_type`
    // (annotation), and `platform` reached via a
    // property literally named "not" in file's output_type dependency (a misplaced `not` that checks nothing).
    expect(unknownKeywords(REAL_DIR, TYPES)).toEqual([
      'decription (file/properties/date_created/decription)',
      'elasticsearch_mapping_index_type (biosample/properties/description/elasticsearch_mapping_index_type)',
      'permissions (library/properties/strand_specificity/oneOf/1/permissions)',
      'platform (file/dependencies/output_type/oneOf/0/oneOf/6/properties/not/platform)',
    ]);
  });
});
