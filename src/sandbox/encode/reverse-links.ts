import type { Json, ProfileRegistry } from './profiles';
import type { Item } from './store';

/**
 * encoded's calculated reverse links (`rev` on its Python types): a property of the target type
 * listing the records that link to it. The emulator serves the ones the gateway's graph relies
 * on; each appears on every type the source property may link to.
 */
export interface ReverseLink {
  /** The calculated property on the target: `replicates`. */
  name: string;
  title: string;
  /** The linking type and property: `replicate`.`experiment` (`linkFrom: "Replicate.experiment"`). */
  source: string;
  property: string;
}

export const REVERSE_LINKS: ReverseLink[] = [{ name: 'replicates', title: 'Replicates', source: 'replicate', property: 'experiment' }];

/** encoded's `paths_filtered_by_status`: deleted and replaced records drop out of reverse links. */
export const HIDDEN_FROM_REVERSE_LINKS = new Set(['deleted', 'replaced']);

/** Adds each reverse link to the served profiles of the types it lands on, as encoded's calculated_property does. */
export function addReverseLinkProperties(registry: ProfileRegistry): void {
  for (const rev of REVERSE_LINKS) {
    const source = registry.types.get(rev.source);
    const linkTo = source?.schema.properties?.[rev.property]?.linkTo;
    if (!source || !linkTo) continue;
    for (const target of ([] as string[]).concat(linkTo)) {
      for (const name of registry.concreteNames(target)) {
        const info = registry.get(name);
        if (!info) continue;
        info.schema.properties[rev.name] = {
          title: rev.title,
          type: 'array',
          items: { type: ['string', 'object'], linkFrom: `${source.name}.${rev.property}` },
          calculatedProperty: true,
          notSubmittable: true,
        };
      }
    }
  }
}

/** Which records link to which, for the reverse links above; kept up to date on every write. */
export class ReverseIndex {
  /** `<source>.<property>` → target uuid → source uuids. */
  private readonly index = new Map<string, Map<string, Set<string>>>();

  put(item: Item, previous: Item | undefined): void {
    for (const rev of REVERSE_LINKS) {
      if (item.itemType !== rev.source) continue;
      const key = `${rev.source}.${rev.property}`;
      let byTarget = this.index.get(key);
      if (!byTarget) this.index.set(key, (byTarget = new Map()));
      for (const target of targets(previous?.properties[rev.property])) byTarget.get(target)?.delete(item.uuid);
      for (const target of targets(item.properties[rev.property])) {
        let sources = byTarget.get(target);
        if (!sources) byTarget.set(target, (sources = new Set()));
        sources.add(item.uuid);
      }
    }
  }

  /** The uuids of records whose `rev.property` links to `target`. */
  sources(rev: ReverseLink, target: string): string[] {
    return [...(this.index.get(`${rev.source}.${rev.property}`)?.get(target) ?? [])];
  }
}

function targets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The reverse links a record of this type carries in its object frame. */
export function reverseLinksOf(schema: Json): ReverseLink[] {
  return REVERSE_LINKS.filter((rev) => schema.properties?.[rev.name]?.items?.linkFrom);
}
