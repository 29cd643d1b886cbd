import fs from 'node:fs';
import { load } from 'js-yaml';
import { dataPath } from '../../shared/paths';
import type { ValueRules } from './munge';

/** An xpath, or alternatives tried in order. */
export type Paths = string | string[];

export interface PropertyRule extends ValueRules {
  path?: Paths | null;
  default?: unknown;
  suffix?: string;
  nullable?: boolean;
  evaluator?: { name: string; [option: string]: unknown };
  enum?: unknown[];
}

/** One entry of tcga_biospecimen.yaml (gdcdatamodel's xml_mappings). */
export interface BiospecimenRule {
  root: Paths;
  id: Paths;
  edges?: Record<string, Paths>;
  edges_by_property?: Record<string, Record<string, Paths>>;
  properties?: Record<string, PropertyRule | null>;
  datetime_properties?: Record<string, { day?: string; month?: string; year?: string }>;
}

/** One entry of tcga_clinical.yaml. */
export interface ClinicalRule {
  root: Paths;
  generated_id?: { namespace: string; name: string };
  /** edge label → target type → where the target's id is. */
  edges?: Record<string, Record<string, PropertyRule>>;
  /** edge label → target type → target property → where its value is. */
  edges_by_property?: Record<string, Record<string, Record<string, PropertyRule>>>;
  properties: Record<string, PropertyRule | null>;
  additional_property_roots?: string[];
}

export type Mapping<T> = Record<string, T[]>;

export function alternatives(paths: Paths | null | undefined): string[] {
  if (paths === null || paths === undefined) return [];
  return Array.isArray(paths) ? paths.map(String) : [String(paths)];
}

let cache: { biospecimen: Mapping<BiospecimenRule>; clinical: Mapping<ClinicalRule> } | null = null;

/** GDC's own mapping rules, shipped in data/gdc/bcr-xml-mappings (YAML 1.2: `Yes`/`No` stay strings). */
export function bcrMappings(): { biospecimen: Mapping<BiospecimenRule>; clinical: Mapping<ClinicalRule> } {
  if (!cache) {
    const read = (name: string) => load(fs.readFileSync(dataPath('gdc', 'bcr-xml-mappings', name), 'utf8'));
    cache = {
      biospecimen: read('tcga_biospecimen.yaml') as Mapping<BiospecimenRule>,
      clinical: read('tcga_clinical.yaml') as Mapping<ClinicalRule>,
    };
  }
  return cache;
}
