import type { Dictionary, LinkDef, LinkEntry } from '../../../rules/gdc/dictionary/model';
import { EntityErrors } from '../errors';
import { pyRepr } from '../../../rules/shared/pyrepr';
import { liveTargets, sourcesOf, type GraphView } from '../store';
import type { UploadEntity } from '../upload/entity';
import { lookupNodes, secondaryKeyDicts, secondaryKeyValues, uniqueKeysRepr } from './keys';

export interface LinkContext {
  dictionary: Dictionary;
  view: GraphView;
  projectId: string;
  /** The project code of the endpoint, for the project-link check. */
  project: string;
}

/**
 * set_association_proxies: resolve each link object of the document (by id, submitter_id or any unique key
 * of the target) against the graph as this transaction sees it, and add the edges.
 */
export function createLinks(entity: UploadEntity, ctx: LinkContext): void {
  const node = entity.node;
  if (!node || !entity.nodeType) return;
  for (const [name, link] of entity.nodeType.linkByName) {
    const given = entity.doc[name];
    if (!given) continue;
    const list = Array.isArray(given) ? given : [given];
    const target = ctx.dictionary.get(link.target_type);
    if (!target) continue;
    for (const item of list) {
      if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
      const ref = item as Record<string, unknown>;
      const targetId = ref.id === undefined || ref.id === null ? null : String(ref.id);
      const keys = secondaryKeyValues(target, ref, ctx.projectId);
      const found = lookupNodes(ctx.view, ctx.dictionary, target.type, targetId, keys);
      if (target.type === 'project') {
        for (const p of found) {
          if (p.props.code !== ctx.project) {
            entity.error(`Cannot link entity to project ${String(p.props.code)} under ${ctx.project} endpoint`, [], EntityErrors.INVALID_PERMISSIONS);
          }
        }
      }
      if (found.length > 1) {
        entity.error(`More than one link destination found for ${name}`, [name], EntityErrors.INVALID_LINK);
        continue;
      }
      if (found.length === 0) {
        let message = `No link destination found for ${name}`;
        if (targetId) message += `, id='${targetId}'`;
        message += `, unique_keys='${uniqueKeysRepr(secondaryKeyDicts(target, keys))}'`;
        entity.error(message, [name], EntityErrors.INVALID_LINK);
        continue;
      }
      for (const n of found) {
        if (n.project_id && n.project_id !== ctx.projectId) {
          entity.error(`Relationship to ${n.type} ${n.id} in project ${n.project_id} not allowed`, [], EntityErrors.INVALID_LINK);
        }
        const edges = (node.links[name] ??= []);
        if (!edges.includes(n.id)) edges.push(n.id);
      }
    }
  }
}

/** GDCLinksValidator: multiplicity, required links and exclusive groups, over the entity's edges. */
export function validateLinks(entity: UploadEntity, ctx: LinkContext): void {
  if (!entity.node || !entity.nodeType) return;
  for (const entry of entity.nodeType.links) {
    if (entry.kind === 'link') validateEdge(entry.link, entity, ctx);
    else validateGroup(entry, entity, ctx);
  }
}

interface EdgeResult {
  length: number;
  name: string;
}

function validateEdge(link: LinkDef, entity: UploadEntity, ctx: LinkContext): EdgeResult {
  const targets = liveTargets(ctx.view, entity.node!.links[link.name]);
  if (targets.length > 0) {
    if ((link.multiplicity === 'many_to_one' || link.multiplicity === 'one_to_one') && targets.length > 1) {
      entity.error(`'${link.name}' link has to be ${link.multiplicity}`, [link.name]);
    }
    if (link.multiplicity === 'one_to_many' || link.multiplicity === 'one_to_one') {
      for (const id of targets) {
        if (sourcesOf(ctx.view, id, entity.nodeType!.type, link.name).length > 1) {
          entity.error(
            `'${link.name}' link has to be ${link.multiplicity}, target node ${link.target_type} already has ${link.backref}`,
            [link.name],
          );
        }
      }
    }
  } else if (link.required) {
    entity.error(`Entity is missing required link to ${link.name}`, [link.name]);
  }
  return { length: targets.length, name: link.name };
}

/** "a, b or c": every name but the last two comma-joined, the last two joined by the word. */
export function joinNames(names: string[], word: string): string {
  return [...names.slice(0, -2), names.slice(-2).join(` ${word} `)].join(', ');
}

function validateGroup(group: Extract<LinkEntry, { kind: 'group' }>, entity: UploadEntity, ctx: LinkContext): EdgeResult {
  const submitted: EdgeResult[] = [];
  const names: string[] = [];
  let edges = 0;
  for (const sub of group.subgroup) {
    const result = sub.kind === 'link' ? validateEdge(sub.link, entity, ctx) : validateGroup(sub, entity, ctx);
    if (result.length > 0) {
      submitted.push(result);
      edges += result.length;
    }
    names.push(result.name);
  }
  if (group.required && submitted.length === 0) {
    entity.error(`Entity is missing a required link to ${joinNames(names, 'or')}`, names);
  }
  if (group.exclusive && submitted.length > 1) {
    const out = edgesOut(entity, ctx);
    entity.error(`Links to ${pyRepr(names)} are exclusive.  More than one was provided: [${out.map((e) => e.repr).join(', ')}]`, names);
    // Upstream then records each outgoing edge's target submitter_id as a bare error.
    for (const e of out) entity.error(String(e.dstSubmitterId ?? 'None'));
  }
  return { length: edges, name: names.join(', ') };
}

function edgesOut(entity: UploadEntity, ctx: LinkContext) {
  const node = entity.node!;
  const out: { repr: string; dstSubmitterId: unknown }[] = [];
  for (const [name, ids] of Object.entries(node.links)) {
    const link = entity.nodeType!.linkByName.get(name);
    for (const id of ids) {
      const dst = ctx.view.get(id);
      out.push({
        repr: `<${edgeClass(node.type, link?.label ?? name, link?.target_type ?? '')}(src_id='${node.id}', dst_id='${id}')>`,
        dstSubmitterId: dst?.props.submitter_id ?? null,
      });
    }
  }
  return out;
}

/** gdcdatamodel's edge class names: AliquotDerivedFromSample. */
function edgeClass(src: string, label: string, dst: string): string {
  const camel = (s: string) => s.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return `${camel(src)}${camel(label)}${camel(dst)}`;
}

/**
 * GDCUniqueKeysValidator: no other node (of any type) may share an entity's non-id unique keys. Counted
 * in one pass over the graph per key set, so a large transaction stays linear.
 */
export function validateUniqueKeys(entities: UploadEntity[], ctx: LinkContext): void {
  const counts = new Map<string, Map<string, number>>();
  const countsFor = (keys: string[]) => {
    const id = JSON.stringify(keys);
    let map = counts.get(id);
    if (!map) {
      map = new Map();
      for (const other of ctx.view.all()) {
        const k = JSON.stringify(keys.map((key) => other.props[key] ?? null));
        map.set(k, (map.get(k) ?? 0) + 1);
      }
      counts.set(id, map);
    }
    return map;
  };
  for (const entity of entities) {
    const node = entity.node;
    if (!node || !entity.nodeType) continue;
    for (const keys of entity.nodeType.secondaryKeys) {
      const props: Record<string, unknown> = {};
      for (const k of keys) props[k] = node.props[k];
      if (Object.values(props).some((v) => v === undefined || v === null)) continue;
      if ((countsFor(keys).get(JSON.stringify(keys.map((k) => props[k]))) ?? 0) > 1) {
        entity.error(`${node.type} with ${pyRepr(props)} already exists in the GDC`, keys);
      }
    }
  }
}
