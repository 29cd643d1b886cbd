/**
 * Path segments both upstreams use as fixed words; every other segment (ids, accessions, aliases,
 * programs, projects, collections, types) becomes `:p`, so a metric label never carries an id and
 * the number of distinct routes stays small.
 */
const WORDS = new Set([
  'v0',
  'submission',
  'search',
  'profiles',
  'entities',
  'transactions',
  'export',
  'template',
  'templates',
  'manifest',
  'graphql',
  'files',
  'commit',
  'close',
  'status',
  'bcr',
  'xml',
]);

/** `/v0/submission/GDC/INTERNAL/entities/<uuid>` → `/v0/submission/:p/:p/entities/:p`. */
export function routeTemplate(pathname: string): string {
  const segments = pathname.split('/').map((s) => {
    if (s === '') return s;
    if (WORDS.has(s) || /^(_[a-z_]+|@@[a-z_]+)$/.test(s)) return s;
    return ':p';
  });
  return segments.join('/') || '/';
}
