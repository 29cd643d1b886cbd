import type { Json, ProfileRegistry, TypeInfo } from './profiles';
import { ReverseIndex } from './reverse-links';

import { calculatedName } from '../../rules/encode/keys';

export { isAccession } from '../../rules/encode/identifiers';

/** A stored item: properties as the database keeps them (links as uuids). */
export interface Item {
  uuid: string;
  itemType: string;
  properties: Json;
  /** Bumped on every write; the edit frame's ETag. */
  version: number;
}

export type UniqueKey = [namespace: string, value: string];

/** Output types whose files must have a unique md5sum (encoded #4422): the raw data. */
const RAW_OUTPUT_TYPES = new Set(['reads', 'rejected reads', 'raw data', 'subreads', 'index reads']);

/**
 * The emulator's database: items by uuid and by unique key (`('alias','lab:x')`, `('accession',…)`,
 * `('award:name',…)`), plus a search index that lags behind writes when asked to.
 */
export class ItemStore {
  private readonly items = new Map<string, Item>();
  private readonly keys = new Map<string, string>();
  /** Every key value, whatever its namespace: collection lookups (`/labs/<name>/`) and links use it. */
  private readonly values = new Map<string, Set<string>>();
  private readonly keysOf = new Map<string, string[]>();
  private indexed: Set<string> | null = null;
  /** Who links to whom, for encoded's calculated reverse links (`replicates`). */
  readonly reverse = new ReverseIndex();

  constructor(private readonly profiles: ProfileRegistry) {}

  /** Names encoded calculates from linked items (a target's `label-organism`). */
  private readonly lookup = (uuid: string) => this.items.get(uuid)?.properties;

  get(uuid: string): Item | undefined {
    return this.items.get(uuid);
  }

  all(): Item[] {
    return [...this.items.values()];
  }

  /** Items search can see: all of them, or those present at the last reindex() in manual mode. */
  searchable(): Item[] {
    const all = this.all();
    return this.indexed ? all.filter((i) => this.indexed!.has(i.uuid)) : all;
  }

  isSearchable(uuid: string): boolean {
    return this.items.has(uuid) && (!this.indexed || this.indexed.has(uuid));
  }

  /** Manual indexing: from now on search sees only what exists at each reindex(). */
  freezeIndex(): void {
    this.indexed = new Set(this.items.keys());
  }

  reindex(): void {
    if (this.indexed) this.indexed = new Set(this.items.keys());
  }

  byKey(namespace: string, value: string): Item | undefined {
    const uuid = this.keys.get(`${namespace}\u0000${value}`);
    return uuid ? this.items.get(uuid) : undefined;
  }

  /** Items any of whose unique keys (or uuid) equals `value`. */
  byAnyKey(value: string): Item[] {
    const direct = this.items.get(value);
    const uuids = this.values.get(value);
    const out = direct ? [direct] : [];
    for (const u of uuids ?? []) if (u !== direct?.uuid) out.push(this.items.get(u)!);
    return out;
  }

  /** Keys this item would hold that another item already holds. */
  conflicts(itemType: string, properties: Json, self?: string): UniqueKey[] {
    return uniqueKeys(this.profiles.get(itemType)!, properties, true, this.lookup).filter(([ns, v]) => {
      const owner = this.keys.get(`${ns}\u0000${v}`);
      return owner !== undefined && owner !== self;
    });
  }

  put(item: Item): void {
    this.reverse.put(item, this.items.get(item.uuid));
    this.unindex(item.uuid);
    this.items.set(item.uuid, item);
    const keys = uniqueKeys(this.profiles.get(item.itemType)!, item.properties, false, this.lookup);
    const flat: string[] = [];
    for (const [ns, v] of keys) {
      const k = `${ns}\u0000${v}`;
      if (!this.keys.has(k)) this.keys.set(k, item.uuid);
      flat.push(k);
      let set = this.values.get(v);
      if (!set) this.values.set(v, (set = new Set()));
      set.add(item.uuid);
    }
    this.keysOf.set(item.uuid, flat);
  }

  private unindex(uuid: string): void {
    for (const k of this.keysOf.get(uuid) ?? []) {
      if (this.keys.get(k) === uuid) this.keys.delete(k);
      this.values.get(k.split('\u0000')[1])?.delete(uuid);
    }
    this.keysOf.delete(uuid);
  }
}

/**
 * An item's unique keys: the profile's `uniqueKey`s, its accession(s), names encoded calculates
 * (biosample_type), and a file's `md5:<md5sum>` alias. `enforced` drops keys the portal indexes
 * without refusing duplicates (md5 of non-raw files).
 */
export function uniqueKeys(info: TypeInfo, props: Json, enforced: boolean, lookup: Lookup = () => undefined): UniqueKey[] {
  const keys: UniqueKey[] = [];
  for (const [ns, prop] of info.uniqueKeys) {
    const v = props[prop];
    for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string') keys.push([ns, x]);
  }
  // encoded: a replaced item gives its accession up (the replacement lists it in alternate_accessions).
  for (const alt of props.alternate_accessions ?? []) keys.push(['accession', alt]);
  if (typeof props.accession === 'string' && props.status !== 'replaced') keys.push(['accession', props.accession]);
  const calculated = calculatedName(info.itemType, props);
  if (calculated) keys.push([`${info.itemType}:name`, calculated]);
  if (info.itemType === 'replicate' && props.experiment) {
    keys.push(['replicate:experiment_biological_technical', `${props.experiment}/${props.biological_replicate_number}/${props.technical_replicate_number}`]);
  }
  const target = info.itemType === 'target' ? targetName(props, lookup) : undefined;
  if (target) keys.push(['target:name', target]);
  if (info.itemType === 'file' && typeof props.md5sum === 'string' && !['deleted', 'replaced'].includes(props.status)) {
    if (!enforced || RAW_OUTPUT_TYPES.has(props.output_type)) keys.push(['alias', `md5:${props.md5sum}`]);
  }
  return keys;
}

export type Lookup = (uuid: string) => Json | undefined;

/** encoded's calculated target name: `<label>-<organism name>`, the organism from the target or its genes. */
export function targetName(props: Json, lookup: Lookup): string | undefined {
  if (typeof props.label !== 'string') return undefined;
  const organismId = props.target_organism ?? lookup(props.genes?.[0])?.organism;
  const organism = typeof organismId === 'string' ? lookup(organismId)?.name : undefined;
  return `${props.label}-${organism ?? 'synthetic_tag'}`;
}

export { biosampleTypeName } from '../../rules/encode/keys';
