import { uuidV5 } from '../seed';
import type { ConvertContext, Entity } from './biospecimen';
import { rootsOf } from './biospecimen';
import { dictionarySpelling } from './enums';
import { EVALUATORS } from './evaluators';
import { alternatives, bcrMappings, type ClinicalRule, type PropertyRule } from './mapping';
import { munge, type Scalar } from './munge';
import { BcrParseError, scalarOf, type XmlDocument } from './xml';

/** One value by the mapping: an evaluator, or the first alternative path that yields one, plus any suffix. */
function valueOf(xml: XmlDocument, prop: PropertyRule, root: Node, label: string): Scalar {
  const evaluator = prop.evaluator?.name;
  let value: Scalar = null;
  if (evaluator) {
    const run = EVALUATORS[evaluator];
    if (!run) throw new BcrParseError(`${label}: unknown evaluator ${evaluator}`);
    value = run(xml, prop, root);
  } else {
    for (const path of alternatives(prop.path)) {
      value = scalarOf(xml.evaluate(path, root), path, label);
      if (value !== null) break;
    }
  }
  if (value === null && prop.nullable === false) throw new BcrParseError(`${label}: Can't find element ${alternatives(prop.path).join(' or ')}`);
  return value !== null && prop.suffix ? `${String(value)}${prop.suffix}` : value;
}

/** The link of `type` with this edge label towards `target` (the mapping names edges by label). */
function linkName(ctx: ConvertContext, type: string, label: string, target: string): string | null {
  for (const link of ctx.dictionary.get(type)!.linkByName.values()) if (link.label === label && link.target_type === target) return link.name;
  return null;
}

/**
 * Clinical BCR XML → entity documents (demographic, diagnosis, exposure, treatment), by GDC's mapping: one
 * entity per patient, its id a uuid5 of the patient uuid, linked to its case (or diagnosis) by edge label.
 * A missing value takes the mapping's default, when it has one that is not null; unknown types and
 * properties of the loaded dictionary are left out.
 */
export function clinicalEntities(xml: XmlDocument, ctx: ConvertContext): Entity[] {
  const out: Entity[] = [];
  for (const [type, rules] of Object.entries(bcrMappings().clinical)) {
    const nodeType = ctx.dictionary.get(type);
    if (!nodeType) continue;
    for (const rule of rules) {
      const roots = rootsOf(xml, rule.root);
      if (!roots.length) throw new BcrParseError(`Can't find xml root ${alternatives(rule.root).join(' or ')}`);
      for (const root of roots) out.push(clinicalEntity(xml, root, rule, type, ctx));
    }
  }
  return out;
}

function clinicalEntity(xml: XmlDocument, root: Node, rule: ClinicalRule, type: string, ctx: ConvertContext): Entity {
  const entity: Entity = { type };
  if (rule.generated_id) {
    const name = valueOf(xml, { path: rule.generated_id.name, nullable: false }, root, type);
    entity.id = uuidV5(String(name), rule.generated_id.namespace);
  }
  for (const [label, targets] of Object.entries(rule.edges ?? {})) {
    for (const [target, prop] of Object.entries(targets)) {
      const name = linkName(ctx, type, label, target);
      if (name) entity[name] = { id: String(valueOf(xml, prop, root, `${type}: ${label}`)).toLowerCase() };
    }
  }
  for (const [label, targets] of Object.entries(rule.edges_by_property ?? {})) {
    for (const [target, keys] of Object.entries(targets)) {
      const name = linkName(ctx, type, label, target);
      if (!name) continue;
      entity[name] = Object.fromEntries(Object.entries(keys).map(([key, prop]) => [key, valueOf(xml, prop, root, `${type}: ${label}`)]));
    }
  }
  const declared = new Set(ctx.dictionary.get(type)!.properties);
  const roots = [root, ...(rule.additional_property_roots ?? []).flatMap((p) => xml.nodes(p))];
  for (const propertyRoot of roots) {
    for (const [name, prop] of Object.entries(rule.properties)) {
      if (!prop || !declared.has(name)) continue;
      const label = `${type}: ${name}`;
      const value = valueOf(xml, prop, propertyRoot, label);
      const spelled = (v: Scalar) => dictionarySpelling(ctx.dictionary, type, name, munge(v, prop, label));
      if (value !== null) entity[name] = spelled(value);
      else if (!(name in entity) && prop.default !== undefined && prop.default !== null) entity[name] = spelled(prop.default as Scalar);
    }
  }
  return entity;
}
