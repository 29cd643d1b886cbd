import { isAccession, isUuid } from '../../rules/encode/identifiers';
import type { LinkResolver, LinkTarget } from '../../rules/encode/validation';
import type { Json, ProfileRegistry, TypeInfo } from './profiles';
import { calculatedName } from '../../rules/encode/keys';
import { type Item, type ItemStore, targetName } from './store';

/** Types whose `@id` uses the uuid although they have a name-like unique key (encoded's choice). */
const UUID_NAMED = new Set(['user', 'access_key']);

/**
 * encoded's identifier rules (root.py, Collection.get): the root knows uuids, accessions and aliases
 * (anything with a colon, so `md5:<hex>` too); a collection also knows its unique keys (`/labs/<name>/`).
 */
export class Identifiers implements LinkResolver {
  constructor(
    private readonly profiles: ProfileRegistry,
    private readonly store: ItemStore,
  ) {}

  /** `GET /<id>/` at the root. */
  root(id: string): Item | undefined {
    if (isUuid(id)) return this.store.get(id.toLowerCase());
    if (isAccession(id)) return this.store.byKey('accession', id);
    if (id.includes(':')) return this.store.byKey('alias', id);
    return undefined;
  }

  /** `GET /<collection>/<key>/`: uuid, accession, the type's unique keys, aliases. */
  inCollection(info: TypeInfo, key: string): Item | undefined {
    return this.store.byAnyKey(key).find((item) => this.profiles.isA(item.itemType, info.name));
  }

  /** An `@id`-style path or a root identifier. */
  path(value: string): Item | undefined {
    const parts = value.split('/').filter(Boolean);
    if (parts.length === 1) return this.root(decodeURIComponent(parts[0]));
    if (parts.length === 2) {
      // Collections answer to their item_type too (`/software_version/<uuid>`).
      const info = this.profiles.byCollectionName(parts[0]) ?? this.profiles.get(parts[0]);
      if (!info) return undefined;
      const key = decodeURIComponent(parts[1]);
      // A key of a sibling type (`/mouse-donors/<fly donor>/`) still resolves; linkTo then checks the type.
      return this.inCollection(info, key) ?? this.store.byAnyKey(key)[0];
    }
    return undefined;
  }

  /**
   * snovault's linkTo lookup: the value may be a path, or any identifier the target collection
   * knows. Of the items answering to it, one of the linked types if there is one.
   */
  item(value: string, linkTo: string[]): Item | undefined {
    const fits = (item: Item) => linkTo.some((t) => this.profiles.isA(item.itemType, t));
    // A bare key may carry a trailing slash (`michael-snyder/`); traversal ignores it.
    const key = value.startsWith('/') ? value : value.replace(/\/+$/, '');
    const candidates = key.startsWith('/') ? [this.path(key)].filter((i): i is Item => !!i) : this.store.byAnyKey(key);
    return candidates.find(fits) ?? candidates[0] ?? this.root(value);
  }

  resolve(value: string, linkTo: string[]): LinkTarget | null {
    const item = this.item(value, linkTo);
    return item ? { uuid: item.uuid, types: this.profiles.typeNamesOf(item.itemType) } : null;
  }

  /** The canonical `@id`: `/biosamples/ENCBS000AAA/`, `/labs/jane-doe/`, `/documents/<uuid>/`. */
  atId(item: Item): string {
    const info = this.profiles.get(item.itemType)!;
    const lookup = (uuid: string) => this.store.get(uuid)?.properties;
    return `/${info.collection}/${encodeURIComponent(nameOf(info, item.properties, item.uuid, lookup))}/`;
  }
}

function nameOf(info: TypeInfo, props: Json, uuid: string, lookup: (uuid: string) => Json | undefined): string {
  if (typeof props.accession === 'string') return props.accession;
  if (info.itemType === 'target') return targetName(props, lookup) ?? uuid;
  const calculated = calculatedName(info.itemType, props);
  if (calculated) return calculated;
  if (UUID_NAMED.has(info.itemType)) return uuid;
  const named = info.uniqueKeys.find(([ns, prop]) => ns.startsWith(`${info.itemType}:`) && typeof props[prop] === 'string');
  if (named) return props[named[1]];
  return uuid;
}
