import { stringify } from 'csv-stringify/sync';
import type { Dictionary, LinkDef, NodeType } from '../../../rules/gdc/dictionary/model';
import type { GraphNode, GraphView } from '../store';
import { columnPlan, isToMany, linkKey } from '../templates';

export type ExportFormat = 'json' | 'tsv' | 'csv';

export interface RenderContext {
  dictionary: Dictionary;
  view: GraphView;
  /** `without_id`: no `id` column and no `<link>.id` columns. */
  withoutId: boolean;
}

/** Non-link properties in template order (type, id, unique keys, required, optional). */
function propertyColumns(nodeType: NodeType, withoutId: boolean): string[] {
  const plan = columnPlan(nodeType);
  return ['type', ...(withoutId ? [] : ['id']), ...plan.uniques, ...plan.required, ...plan.optional];
}

function linkTargets(ctx: RenderContext, node: GraphNode, link: LinkDef): { id: string; key: unknown }[] {
  const key = linkKey(link, ctx.dictionary);
  return (node.links[link.name] ?? [])
    .map((id) => ctx.view.get(id))
    .filter((t): t is GraphNode => t !== undefined)
    .map((t) => ({ id: t.id, key: t.props[key] ?? null }));
}

/** One entity as [GDC] export JSON shows it: every visible property (null when unset), links as `[{id, <key>}]`. */
export function exportDocument(ctx: RenderContext, node: GraphNode): Record<string, unknown> {
  const nodeType = ctx.dictionary.get(node.type)!;
  const doc: Record<string, unknown> = {};
  for (const column of propertyColumns(nodeType, ctx.withoutId)) {
    doc[column] = column === 'type' ? node.type : column === 'id' ? node.id : (node.props[column] ?? null);
  }
  for (const link of columnPlan(nodeType).links) {
    const key = linkKey(link, ctx.dictionary);
    doc[link.name] = linkTargets(ctx, node, link).map((t) => (ctx.withoutId ? { [key]: t.key } : { id: t.id, [key]: t.key }));
  }
  return doc;
}

/** A cell by the [GDC] TSV rules the upload parser reads back: arrays `|`-joined, null empty, booleans lower-case. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cell).join('|');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * One type's entities as TSV/CSV: property columns, then link columns (`link.id`, `link.<key>`). Links to
 * many targets get `#1`, `#2`… columns, as many as the entity with the most targets needs, so that the file
 * submitted back as a PUT changes nothing.
 */
export function exportDelimited(ctx: RenderContext, type: string, nodes: GraphNode[], format: 'tsv' | 'csv'): string {
  const nodeType = ctx.dictionary.get(type)!;
  const properties = propertyColumns(nodeType, ctx.withoutId);
  const links = columnPlan(nodeType).links.map((link) => {
    const most = Math.max(1, ...nodes.map((n) => linkTargets(ctx, n, link).length));
    return { link, key: linkKey(link, ctx.dictionary), slots: isToMany(link) ? most : 1, many: isToMany(link) };
  });
  const header = [...properties];
  for (const { link, key, slots, many } of links) {
    for (let slot = 1; slot <= slots; slot++) {
      const suffix = many ? `#${slot}` : '';
      if (!ctx.withoutId) header.push(`${link.name}.id${suffix}`);
      header.push(`${link.name}.${key}${suffix}`);
    }
  }
  const rows = nodes.map((node) => {
    const row = properties.map((p) => (p === 'type' ? node.type : p === 'id' ? node.id : cell(node.props[p])));
    for (const { link, slots } of links) {
      const targets = linkTargets(ctx, node, link);
      for (let slot = 0; slot < slots; slot++) {
        if (!ctx.withoutId) row.push(targets[slot]?.id ?? '');
        row.push(cell(targets[slot]?.key));
      }
    }
    return row;
  });
  return stringify([header, ...rows], { delimiter: format === 'tsv' ? '\t' : ',' });
}
