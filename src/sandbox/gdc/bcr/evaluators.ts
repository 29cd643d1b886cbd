import type { PropertyRule } from './mapping';
import { alternatives } from './mapping';
import type { Scalar } from './munge';
import { scalarOf, textOf, type XmlDocument } from './xml';

/** Non-empty texts of every node a path selects (anywhere the path reaches). */
function texts(xml: XmlDocument, path: string, root: Node): string[] {
  const value = xml.evaluate(path, root);
  if (!Array.isArray(value)) {
    const scalar = scalarOf(value, path, path);
    return scalar === null ? [] : [String(scalar)];
  }
  return value.map(textOf).filter((t): t is string => t !== null);
}

function allTexts(xml: XmlDocument, prop: PropertyRule, root: Node): string[] {
  return alternatives(prop.path).flatMap((p) => texts(xml, p, root));
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

function numbers(values: string[]): number[] {
  return values.map(Number).filter((n) => !Number.isNaN(n));
}

/**
 * The evaluators named in tcga_clinical.yaml. GDC's code for them is not public; each does what its name
 * and the mapping's comments say:
 * - unique_value: the value when every element that has one agrees (none or a conflict: no value);
 * - filter: the path's own predicate filters; agreeing values, else the largest (days_to_death over follow-ups);
 * - last_follow_up: the largest day count over the patient and its follow-ups;
 * - vital_status: Dead when any element says so, else the patient's own value;
 * - treatment_therapy: the first radiation/pharmaceutical answer, when it is one of the mapping's enum.
 */
export const EVALUATORS: Record<string, (xml: XmlDocument, prop: PropertyRule, root: Node) => Scalar> = {
  unique_value: (xml, prop, root) => {
    const values = distinct(allTexts(xml, prop, root));
    return values.length === 1 ? values[0] : null;
  },
  filter: (xml, prop, root) => {
    const values = distinct(allTexts(xml, prop, root));
    if (values.length <= 1) return values[0] ?? null;
    const nums = numbers(values);
    return nums.length ? Math.max(...nums) : values[0];
  },
  last_follow_up: (xml, prop, root) => {
    const nums = numbers(allTexts(xml, prop, root));
    return nums.length ? Math.max(...nums) : null;
  },
  vital_status: (xml, prop, root) => {
    const dead = prop.evaluator?.dead_vital_status_search;
    if (typeof dead === 'string' && texts(xml, dead, root).length) return 'Dead';
    return allTexts(xml, prop, root)[0] ?? null;
  },
  treatment_therapy: (xml, prop, root) => {
    const answer = allTexts(xml, prop, root)[0]?.toLowerCase();
    const allowed = (prop.enum ?? []).map((v) => String(v).toLowerCase());
    return answer && allowed.includes(answer) ? answer : null;
  },
};
