import type { UpstreamHttp } from '../http';

/**
 * The node types of each GDC upstream's dictionary, by base URL, remembered from the last
 * `/_dictionary/_all` the process read (the typed graph reads it at start-up and on every refresh):
 * the same for every caller, so nothing of a caller is kept.
 */
const known = new Map<string, ReadonlySet<string>>();

export function rememberNodeTypes(http: Pick<UpstreamHttp, 'baseUrl'>, types: ReadonlySet<string>): void {
  if (types.size) known.set(http.baseUrl.href, types);
}

export function knownNodeTypes(http: Pick<UpstreamHttp, 'baseUrl'>): ReadonlySet<string> | null {
  return known.get(http.baseUrl.href) ?? null;
}
