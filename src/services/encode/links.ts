import { GraphQLError } from 'graphql';
import { classifyIdentifier } from '../../datasources/encode/identifiers';
import type { EncodeLoaders } from '../../datasources/encode/loaders';
import type { EncodeRecord } from '../../datasources/encode/models';
import { collectionName, profileOfTypeName } from '../../rules/encode/naming';
import type { ProfileSet } from '../../rules/encode/profiles';
import type { LinkResolver, LinkTarget } from '../../rules/encode/validation';
import { TimeSlices } from '../../time-slices';

/**
 * The gateway's answer to "what does this link name": records looked up in one batch before
 * validating (the portal would look each up itself), plus records of the same batch that are not
 * written yet but will be, in an order that lets the link resolve.
 */
export class LookedUpLinks implements LinkResolver {
  private readonly found = new Map<string, EncodeRecord | null>();
  private readonly pending = new Map<string, LinkTarget>();

  constructor(private readonly profiles: ProfileSet) {}

  /**
   * Where to look a link up: uuids, accessions, aliases and paths anywhere; a bare unique key
   * (`barbara-wold`, an award name) only inside the target's collection (`/labs/barbara-wold/`).
   */
  lookupId(value: string, linkTo: string[]): string {
    if (classifyIdentifier(value).field) return value;
    const name = linkTo[0] ?? 'Item';
    const collection = this.profiles.get(name)?.collection ?? collectionName(profileOfTypeName(name));
    return `/${collection}/${value.replace(/\/+$/, '')}/`;
  }

  /**
   * Looks every link up at once (one search per kind of identifier; what the index misses is read
   * from the database, unless `indexOnly`).
   */
  async load(loaders: EncodeLoaders, links: { value: string; linkTo: string[] }[], indexOnly = false, slices: TimeSlices = new TimeSlices()): Promise<void> {
    const wanted = new Set<string>();
    for (const link of links) {
      await slices.pause();
      const id = this.lookupId(link.value, link.linkTo);
      if (!this.found.has(id)) wanted.add(id);
    }
    const ids = [...wanted];
    if (!ids.length) return;
    const records = await (indexOnly ? loaders.indexed : loaders.record).loadMany(ids);
    records.forEach((r, i) => {
      // A link no identifier can be made of (`/labs/a b/`) names nothing: validation says "not found".
      if (r instanceof GraphQLError && r.extensions.code === 'BAD_USER_INPUT') return void this.found.set(ids[i], null);
      if (r instanceof Error) throw r;
      this.found.set(ids[i], r);
    });
  }

  /** A record of this batch, not written yet, that `key` (one of its aliases) will name. */
  addPending(key: string, itemType: string, index: number): void {
    this.pending.set(key, { uuid: `(record ${index} of this batch)`, types: this.profiles.typeNamesOf(itemType) });
  }

  record(value: string, linkTo: string[] = []): EncodeRecord | null {
    return this.found.get(this.lookupId(value, linkTo)) ?? null;
  }

  resolve(value: string, linkTo: string[]): LinkTarget | null {
    const pending = this.pending.get(value);
    if (pending) return pending;
    const record = this.record(value, linkTo);
    return record ? { uuid: record.uuid, types: record['@type'] ?? [] } : null;
  }
}
