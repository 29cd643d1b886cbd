import { GraphQLError } from 'graphql';
import type { EncodeApi } from '../../datasources/encode/client';
import { unknownName } from '../not-found';

/** Type names a search takes: every profile's type, the abstract types above them, and Item. */
async function searchableTypes(encode: EncodeApi): Promise<string[]> {
  const profiles = await encode.profiles();
  const names = new Set<string>(['Item']);
  for (const info of profiles.types.values()) {
    names.add(info.name);
    for (const base of info.bases) names.add(base);
  }
  return [...names];
}

/**
 * A search whose type the portal does not have ("Invalid type: Biosampel", 400) is NOT_FOUND with
 * the nearest type names; the profiles are read (cached) only then.
 */
export async function searchOrNotFound<T>(ctx: { encode: EncodeApi }, type: string, search: () => Promise<T>): Promise<T> {
  try {
    return await search();
  } catch (err) {
    const ext = err instanceof GraphQLError ? err.extensions : undefined;
    if (ext?.upstreamStatus !== 400 || !/^Invalid type/i.test(String(ext.upstreamMessage ?? ''))) throw err;
    throw unknownName('ENCODE type', type, await searchableTypes(ctx.encode), 'type');
  }
}
