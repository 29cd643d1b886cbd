import { biosampleDefines, biosampleSummary, type Lookup } from './biosample-summary';
import type { Json, ProfileSet } from './profiles';

/**
 * encoded's calculated properties (its `@calculated_property`s, ported from `types/*.py`, MIT:
 * data/encode/LICENSE-encoded.txt) that the object frame carries: a file's `title` and `href`, a
 * biosample's donor-derived properties and `summary`, the titles of antibody lots, platforms and
 * users. Their schemas join the served profiles as `/profiles/` shows them (`calculatedProperty`,
 * so a submission of one is refused), which is how the typed graph comes to expose them.
 * Reverse links are apart (../../sandbox/encode/reverse-links.ts): they need an index of links.
 */

export type { Lookup } from './biosample-summary';

export interface CalculationContext {
  /** The record's `@id`: a file's `href` is a path under it. */
  atId: string;
  /** The record's profile (a file's `file_format_file_extension` table is in it). */
  schema: Json;
  lookup: Lookup;
}

const string = (title: string, description?: string): Json => ({ title, type: 'string', ...(description ? { description } : {}) });

/** Schemas as encoded declares them, by item type. */
const SCHEMAS: Record<string, Record<string, Json>> = {
  file: {
    title: { ...string('Title', 'The title of the file either the accession or the external_accession.'), comment: 'Do not submit. This is a calculated property' },
    href: { ...string('Download URL', 'The download path for S3 to obtain the actual file.'), comment: 'Do not submit. This is issued by the server.' },
    read_length_units: { ...string('Read length units', 'The units for read length.'), comment: 'Do not submit. This is a fixed value.', enum: ['nt'] },
  },
  biosample: {
    sex: string('Sex'),
    age: string('Age'),
    age_units: string('Age units'),
    health_status: string('Health status'),
    life_stage: string('Life stage'),
    synchronization: string('Synchronization'),
    model_organism_donor_modifications: {
      title: 'Model organism genetic modifications',
      description: 'Genetic modifications made in the model organism of the biosample.',
      type: 'array',
      items: { title: 'Model organism genetic modification', type: 'string', linkTo: 'GeneticModification' },
    },
    summary: string('Summary'),
  },
  antibody_lot: { title: string('Title') },
  platform: { title: string('Title') },
  user: { title: string('Title') },
};

type Calculate = (props: Json, ctx: CalculationContext) => Json;

const CALCULATE: Record<string, Calculate> = {
  file: (p, ctx) => {
    const accession = p.accession ?? p.external_accession;
    const extension = ctx.schema.file_format_file_extension?.[p.file_format];
    return {
      title: accession,
      // encoded raises on an unknown format (a 500); the sandbox leaves href out instead.
      href: accession && extension !== undefined ? `${ctx.atId}@@download/${accession}${extension}` : undefined,
      read_length_units: p.read_length !== undefined || p.mapped_read_length !== undefined ? 'nt' : undefined,
    };
  },
  biosample: (p, ctx) => {
    const defines = biosampleDefines(p, ctx.lookup);
    return { ...defines, summary: biosampleSummary(p, defines, ctx.lookup) };
  },
  antibody_lot: (p) => ({ title: p.accession }),
  platform: (p) => ({ title: p.term_name }),
  user: (p) => ({ title: p.first_name !== undefined && p.last_name !== undefined ? `${p.first_name} ${p.last_name}` : undefined }),
};

/** Adds the calculated properties' schemas to the profiles that have them, as `/profiles/` serves them. */
export function addCalculatedProperties(profiles: ProfileSet): void {
  for (const [itemType, schemas] of Object.entries(SCHEMAS)) {
    const info = profiles.types.get(itemType);
    if (!info) continue;
    for (const [name, schema] of Object.entries(schemas)) {
      // A profile that already declares the property keeps it (a stored property of that name).
      if (info.schema.properties?.[name]) continue;
      info.schema.properties[name] = { ...schema, calculatedProperty: true };
    }
  }
}

/** The calculated properties of one record, absent ones left out (snovault drops a None). */
export function calculatedProperties(itemType: string, props: Json, ctx: CalculationContext): Json {
  const calculate = CALCULATE[itemType];
  if (!calculate) return {};
  const declared = ctx.schema.properties ?? {};
  const out: Json = {};
  for (const [name, value] of Object.entries(calculate(props, ctx))) {
    if (value === undefined || value === null || !declared[name]?.calculatedProperty) continue;
    out[name] = value;
  }
  return out;
}
