import type { Json } from './profiles';
import { pyRepr } from '../shared/pyrepr';

/**
 * encoded's calculated biosample properties, ported from its `types/biosample.py` (MIT: see
 * data/encode/LICENSE-encoded.txt): the ones taken from the donor or the model organism fields
 * (`sex`, `age`, `age_units`, `health_status`, `life_stage`, `synchronization`,
 * `model_organism_donor_modifications`) and the `summary` sentence built from them and from the
 * linked organism, biosample type, treatments, originating biosample and genetic modifications.
 *
 * Not ported: `disease_term_name` (encoded reads it from its ontology registry, which the sandbox
 * does not have, so the summary has no "with <disease>;" part) and the several-biosamples form of
 * the sentence (experiments' summaries). Python prints a JSON float such as 2.0 as "2.0"; JSON
 * parsing here cannot tell it from 2, which prints "2".
 */

/** Reads a linked record's stored properties by uuid (links in them are uuids too). */
export type Lookup = (uuid: string) => Json | undefined;

const SENTENCE_PARTS = [
  'organism_name',
  'genotype_strain',
  'sex_stage_age',
  'synchronization',
  'disease_term_name',
  'term_phrase',
  'modifications_list',
  'originated_from',
  'treatments_phrase',
  'post_nucleic_acid_delivery_time',
  'post_differentiation_time',
  'pulse_chase_time',
  'preservation_method',
  'depleted_in',
  'phase',
  'fractionated',
];
/** Parts generate_sentence joins with a comma. */
const COMMA_PARTS = new Set(['preservation_method', 'post_nucleic_acid_delivery_time', 'post_differentiation_time', 'pulse_chase_time']);

const FRACTIONS: Record<string, string> = {
  nucleus: 'nuclear fraction',
  cytosol: 'cytosolic fraction',
  chromatin: 'chromatin fraction',
  membrane: 'membrane fraction',
  mitochondria: 'mitochondrial fraction',
  'nuclear matrix': 'nuclear matrix fraction',
  nucleolus: 'nucleolus fraction',
  nucleoplasm: 'nucleoplasmic fraction',
  polysome: 'polysomic fraction',
  'insoluble cytoplasmic fraction': 'insoluble cytoplasmic fraction',
};

const given = (v: unknown): boolean => v !== undefined && v !== null;
const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));

/** Python's float(value) == 1, where float() may fail (then: plural). */
function isOne(value: unknown): boolean {
  if (typeof value === 'number') return value === 1;
  const text = String(value).trim().replace(/_/g, '');
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text) && Number(text) === 1;
}

function pluralize(value: unknown, units: unknown): string {
  return `${str(value)} ${str(units)}${isOne(value) ? '' : 's'}`;
}

/** The donor-derived properties (`define=True` in encoded): arguments of the summary, and shown themselves. */
export function biosampleDefines(props: Json, lookup: Lookup): Json {
  const organism = given(props.organism) ? lookup(props.organism) : undefined;
  const human = organism?.scientific_name === 'Homo sapiens';
  const donor = given(props.donor) ? lookup(props.donor) : undefined;
  const hasDonor = given(props.donor);
  const out: Json = {};

  out.sex = human ? (hasDonor && donor && 'sex' in donor ? donor.sex : 'unknown') : (props.model_organism_sex ?? 'unknown');
  if (given(props.sample_collection_age)) out.age = props.sample_collection_age;
  else out.age = human ? (hasDonor && donor && 'age' in donor ? donor.age : 'unknown') : (props.model_organism_age ?? 'unknown');
  if (given(props.sample_collection_age_units)) out.age_units = props.sample_collection_age_units;
  else out.age_units = human ? (hasDonor && donor && 'age_units' in donor ? donor.age_units : null) : (props.model_organism_age_units ?? null);
  out.health_status = human ? (hasDonor && donor && 'health_status' in donor ? donor.health_status : null) : (props.model_organism_health_status ?? null);
  if (human && hasDonor) out.life_stage = donor && 'life_stage' in donor ? donor.life_stage : 'unknown';
  else out.life_stage = (!human && (props.mouse_life_stage ?? props.fly_life_stage ?? props.worm_life_stage)) || 'unknown';
  out.synchronization = props.mouse_synchronization_stage ?? props.fly_synchronization_stage ?? props.worm_synchronization_stage ?? donor?.synchronization ?? null;
  out.model_organism_donor_modifications = donor?.genetic_modifications ?? null;
  // snovault leaves out a calculated property whose value is None.
  for (const key of Object.keys(out)) if (out[key] === null || out[key] === undefined) delete out[key];
  return out;
}

/** The biosample's `summary`, from its properties plus the donor-derived ones (`biosampleDefines`). */
export function biosampleSummary(props: Json, defines: Json, lookup: Lookup): string {
  const all = { ...props, ...defines };
  return generateSentence(summaryPhrases(all, lookup));
}

function summaryPhrases(p: Json, lookup: Lookup): Record<string, string> {
  const phrases: Record<string, string> = Object.fromEntries(SENTENCE_PARTS.map((k) => [k, '']));
  const extra: Record<string, string> = {};
  const organism = given(p.organism) ? lookup(p.organism) : undefined;
  const donor = given(p.donor) ? lookup(p.donor) : undefined;
  const ontology = given(p.biosample_ontology) ? lookup(p.biosample_ontology) : undefined;
  const termName: string | undefined = ontology?.term_name;
  const classification: string | undefined = ontology?.classification;

  if (organism && 'scientific_name' in organism) {
    phrases.organism_name = organism.scientific_name;
    if (organism.scientific_name !== 'Homo sapiens' && donor) {
      if ('strain_name' in donor && String(donor.strain_name).toLowerCase() !== 'unknown') phrases.genotype_strain = `strain ${donor.strain_name}`;
      if ('genotype' in donor && String(donor.genotype).toLowerCase() !== 'unknown' && !String(organism.scientific_name).includes('Drosophila')) {
        const genotype = String(donor.genotype);
        phrases.genotype_strain += ` (${genotype.endsWith('.') ? genotype.slice(0, -1) : genotype})`;
      }
    }
  }
  if (given(p.age) && given(p.age_units)) extra.age_display = pluralize(p.age, p.age_units);
  if (given(p.life_stage) && p.life_stage !== 'unknown') extra.life_stage = p.life_stage;
  if (given(p.sex) && p.sex !== 'unknown') extra.sex = p.sex;
  if (given(p.preservation_method)) phrases.preservation_method = `preserved by ${p.preservation_method}`;
  if (given(termName)) extra.sample_term_name = termName!;
  if (given(classification) && !['whole organisms', 'whole organism'].includes(classification!)) extra.sample_type = classification!;

  phrases.term_phrase = termPhrase(extra.sample_term_name, extra.sample_type);
  if (given(p.disease_term_name)) phrases.disease_term_name = `with ${(p.disease_term_name as unknown[]).map(str).join(', ')};`;
  if (Array.isArray(p.depleted_in_term_name) && p.depleted_in_term_name.length) {
    phrases.depleted_in = `depleted in ${pyRepr(p.depleted_in_term_name).replace(/'/g, '').slice(1, -1)}`;
  }
  if (given(p.phase)) phrases.phase = `${p.phase} phase`;
  if (given(p.subcellular_fraction_term_name)) phrases.fractionated = FRACTIONS[p.subcellular_fraction_term_name] ?? '';
  if (given(p.post_synchronization_time) && given(p.post_synchronization_time_units)) {
    phrases.synchronization = `${pluralize(p.post_synchronization_time, p.post_synchronization_time_units)} post synchronization`;
  }
  if (given(p.synchronization)) {
    const s = String(p.synchronization);
    phrases.synchronization += s.startsWith('puff') ? ` at ${s}` : s === 'egg bleaching' ? ` using ${s}` : ` at ${s} stage`;
  }
  if (given(p.post_treatment_time) && given(p.post_treatment_time_units)) extra.post_treatment = `${pluralize(p.post_treatment_time, p.post_treatment_time_units)} after the sample was `;
  if (given(p.post_nucleic_acid_delivery_time) && given(p.post_nucleic_acid_delivery_time_units)) {
    phrases.post_nucleic_acid_delivery_time = `${pluralize(p.post_nucleic_acid_delivery_time, p.post_nucleic_acid_delivery_time_units)} post-nucleic acid delivery time`;
  }
  if (given(p.post_differentiation_time) && given(p.post_differentiation_time_units)) {
    phrases.post_differentiation_time = `${pluralize(p.post_differentiation_time, p.post_differentiation_time_units)} post differentiation`;
  }
  if (given(p.pulse_chase_time) && given(p.pulse_chase_time_units)) phrases.pulse_chase_time = `subjected to a ${str(p.pulse_chase_time)} ${p.pulse_chase_time_units} pulse-chase`;
  if (!extra.sample_type || !['cell line', 'organoid'].includes(extra.sample_type)) phrases.sex_stage_age = sexStageAge(extra);
  phrases.treatments_phrase = treatmentsPhrase(p.treatments, extra.post_treatment, lookup);

  const origin = given(p.originated_from) ? lookup(p.originated_from) : undefined;
  if (origin && 'biosample_ontology' in origin) {
    const originTerm = lookup(origin.biosample_ontology)?.term_name;
    phrases.originated_from = originTerm === extra.sample_term_name ? '' : `originated from ${originTerm}`;
  }
  phrases.modifications_list = modificationsList(p.genetic_modifications, p.model_organism_donor_modifications, lookup);
  return phrases;
}

function termPhrase(sampleTermName: string | undefined, sampleType: string | undefined): string {
  const termName = sampleTermName === undefined ? '' : sampleTermName === 'multi-cellular organism' ? 'whole organisms' : sampleTermName;
  const termType = sampleType ?? '';
  const seen = new Set(termType.split(' '));
  let phrase = '';
  for (const w of termName.split(' ')) {
    if (!seen.has(w) && !seen.has(`${w}s`)) {
      seen.add(w);
      phrase += ` ${w}`;
    }
  }
  phrase += ` ${termType}`;
  if (phrase.startsWith(' of')) phrase = ` ${phrase.slice(3)}`;
  return phrase.slice(1);
}

function sexStageAge(extra: Record<string, string>): string {
  let phrase = '';
  if (extra.sex) phrase += extra.sex === 'mixed' ? 'mixed sex' : extra.sex;
  if (extra.life_stage) phrase += ` ${extra.life_stage}`.replaceAll('embryonic', 'embryo');
  if (extra.age_display) phrase += ` (${extra.age_display})`;
  return phrase;
}

function treatmentsPhrase(treatments: unknown, postTreatment: string | undefined, lookup: Lookup): string {
  if (!Array.isArray(treatments) || !treatments.length) return '';
  const list: string[] = [];
  for (const uuid of treatments) {
    const t = lookup(uuid) ?? {};
    const amount = t.amount && t.amount_units ? `${str(t.amount)} ${t.amount_units} ` : '';
    const name = t.treatment_term_name ? `${t.treatment_term_name} ` : '';
    const details = t.treatment_type_details ? `(${t.treatment_type_details}) ` : '';
    const duration = t.duration && t.duration_units ? `for ${pluralize(t.duration, t.duration_units)}` : '';
    const phrase = `${amount}${name}${details}${duration}`;
    if (phrase) list.push(phrase);
  }
  if (!list.length) return '';
  const start = postTreatment ?? '';
  return list.length === 1 ? `${start}treated with ${list[0]}` : `${start}treated with ${list.map((x) => x.trim()).join(', ')}`;
}

interface Modification {
  category?: string;
  target_gene?: string;
  target?: string;
  organism?: string;
  gene?: string;
  tags?: { location?: string; name?: string; promoter?: string }[];
}

/** "H. sapiens" from "Homo sapiens", as encoded abbreviates a gene's organism. */
function shortOrganism(gene: Json, lookup: Lookup): string {
  const [genus = '', species = ''] = String(lookup(gene.organism)?.scientific_name ?? '').split(' ');
  return `${genus[0] ?? ''}. ${species}`;
}

function modificationsList(biosampleMods: unknown, donorMods: unknown, lookup: Lookup): string {
  const applied = [...new Set([...(Array.isArray(biosampleMods) ? biosampleMods : []), ...(Array.isArray(donorMods) ? donorMods : [])])] as string[];
  if (!applied.length) return '';
  const objects = applied.map((uuid) => lookup(uuid) ?? {});
  let guides = '';
  for (const gm of objects) if ('guide_type' in gm) guides = gm.guide_type;
  const summaries = new Set<string>();
  for (const gm of objects) {
    const modification = describeModification(gm, lookup);
    if ('method' in gm) summaries.add(modificationSummary(gm.method === 'CRISPR' && guides !== '' ? `CRISPR (${guides})` : gm.method, modification));
    else if (Array.isArray(gm.nucleic_acid_delivery_method)) {
      for (const method of gm.nucleic_acid_delivery_method) {
        summaries.add(modificationSummary(method === 'transduction' && 'MOI' in gm ? `transduction (${gm.MOI} MOI)` : method, modification));
      }
    }
  }
  return [...summaries].sort().join(', ');
}

function describeModification(gm: Json, lookup: Lookup): Modification {
  const m: Modification = { category: gm.category };
  if (gm.modified_site_by_target_id) {
    const target = lookup(gm.modified_site_by_target_id) ?? {};
    const gene = Array.isArray(target.genes) && target.genes.length ? lookup(target.genes[0]) : undefined;
    if (gene) {
      m.target_gene = gene.symbol;
      m.organism = shortOrganism(gene, lookup);
    } else m.target = target.label;
  }
  if (Array.isArray(gm.introduced_tags) && gm.introduced_tags.length) {
    m.tags = gm.introduced_tags.map((tag: Json) => ({
      location: tag.location,
      name: tag.name,
      ...(tag.promoter_used ? { promoter: lookup(tag.promoter_used)?.label } : {}),
    }));
  }
  if (gm.introduced_gene) {
    const gene = lookup(gm.introduced_gene) ?? {};
    m.gene = gene.symbol;
    m.organism = shortOrganism(gene, lookup);
  }
  return m;
}

function modificationSummary(method: string, m: Modification): string {
  let summary: string;
  if (['stable transfection', 'transient transfection'].includes(method) && (m.target_gene || m.target)) {
    summary = `${method === 'transient transfection' ? 'transiently' : 'stably'} expressing`;
    const target = m.target_gene || m.target;
    if (m.tags) {
      const tags = m.tags.map((tag) => {
        let addition = '';
        if (['N-terminal', 'C-terminal', 'internal'].includes(tag.location ?? '')) addition += ` ${tag.location} ${tag.name}-tagged`;
        addition += ` ${target}`;
        if (tag.promoter) addition += ` under ${tag.promoter} promoter`;
        return addition;
      });
      // Python joins a set here; its order is not defined, so input order is kept.
      summary += ` ${[...new Set(tags)].join(', ').trim()}`;
    } else summary += ` ${target}`;
  } else if (['CRISPR (sgRNA)', 'CRISPR (pgRNA)'].includes(method) && ['CRISPRa', 'CRISPR cutting', 'CRISPR dCas', 'CRISPRi'].includes(m.category ?? '')) {
    summary = `genetically modified using ${m.category} ${method.split(' ')[1]}`;
  } else {
    summary = method === 'RNAi' ? 'expressing RNAi' : `genetically modified (${m.category}) using ${method}`;
    if (m.target_gene) summary += ` targeting ${m.organism} ${m.target_gene}`;
    if (m.target) summary += ` targeting ${m.target}`;
    if (m.gene) summary += ` inserting ${m.organism} ${m.gene}`;
  }
  return summary.trim();
}

function generateSentence(phrases: Record<string, string>): string {
  let sentence = '';
  for (const key of SENTENCE_PARTS) {
    const phrase = phrases[key];
    if (phrase === '') continue;
    sentence = COMMA_PARTS.has(key) ? `${sentence.trim()}, ${phrase.trim()} ` : `${sentence}${phrase.trim()} `;
  }
  return sentence.trim();
}
