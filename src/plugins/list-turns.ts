import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema, getNullableType, isListType, isObjectType } from 'graphql';
import { performance } from 'node:perf_hooks';

/**
 * Long lists in an answer completed in turns of the event loop (issue 18). graphql-js completes a
 * list of plain values in one synchronous piece: the 20,000 entity results of a document whose
 * every row failed held every other caller for ~200 ms while their fields were resolved. Lists
 * longer than IN_ONE_PIECE are handed to it as promises released a few milliseconds' worth at a
 * time, with a turn of the event loop between slices; what the answer holds is unchanged.
 *
 * Applied to the schema itself (src/graph/build.ts), so both execution paths (the query fast path
 * and Apollo), subscriptions and federation's `_entities` complete lists the same way.
 */

/** Lists up to this long are completed as they are: one piece of them is well under a millisecond. */
export const IN_ONE_PIECE = 256;
/** Work on one list between two turns of the event loop. */
const SLICE_MS = 5;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Every list-typed field of the schema's object types completes long lists in turns (changes the schema in place). */
export function completeListsInTurns(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (isListType(getNullableType(field.type))) field.resolve = inTurns(field.resolve ?? defaultFieldResolver);
    }
  }
}

function inTurns<S, C>(resolve: GraphQLFieldResolver<S, C>): GraphQLFieldResolver<S, C> {
  return (source, args, context, info) => {
    const value: unknown = resolve(source, args, context, info);
    if (value && typeof (value as PromiseLike<unknown>).then === 'function') return Promise.resolve(value).then(paced);
    return paced(value);
  };
}

/**
 * The list as it is when short; else a list of promises of its items, released in order by one
 * loop: each item is released, its completion (graphql-js's reaction to it, queued first) runs,
 * and once SLICE_MS have gone by the loop waits for a turn of the event loop.
 */
export function paced(value: unknown): unknown {
  if (!Array.isArray(value) || value.length <= IN_ONE_PIECE) return value;
  const items = value as unknown[];
  const release: ((item: unknown) => void)[] = new Array(items.length);
  const promises = items.map((_item, i) => new Promise<unknown>((resolve) => (release[i] = resolve)));
  void (async () => {
    // graphql-js attaches its reactions in the piece of work that called the resolver: start after it.
    await turn();
    let started = performance.now();
    for (let i = 0; i < items.length; i++) {
      release[i](items[i]);
      await Promise.resolve();
      if (performance.now() - started >= SLICE_MS) {
        await turn();
        started = performance.now();
      }
    }
  })();
  return promises;
}
