/** Which system answered for a uuid: ENCODE records and GDC entities share the uuid form. */
export type IdSystem = 'ENCODE' | 'GDC';

/** Uuids remembered (about 150 bytes each: ~7.5 MB at most). */
const MAX_REMEMBERED = 50_000;

/**
 * The system each uuid was last found in, for `nodes(ids:)`: an id a client re-fetches came, as a
 * rule, from an earlier answer, and asking only its own system spares the other one the id. That
 * matters for ENCODE, whose search answer grows with the square of the uuids asked (a `filters`
 * entry per term, each with the search minus that term). Uuids are unique across both systems, so a
 * remembered id is never found in the other; an unknown one is asked of both. Oldest first out.
 */
export class IdSystems {
  private readonly known = new Map<string, IdSystem>();

  constructor(private readonly max = MAX_REMEMBERED) {}

  get(id: string): IdSystem | undefined {
    return this.known.get(id);
  }

  remember(ids: Iterable<string>, system: IdSystem): void {
    for (const id of ids) {
      this.known.delete(id);
      this.known.set(id, system);
      if (this.known.size > this.max) this.known.delete(this.known.keys().next().value!);
    }
  }

  get size(): number {
    return this.known.size;
  }
}
