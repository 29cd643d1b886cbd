import { ENCODE_COLLECTIONS } from './encode-collections';

/**
 * A path as a metric label and span name: the upstream's route with every id replaced by a named
 * placeholder, so a label never carries an id or a caller's string and the set of routes is
 * bounded (the fixed words below, the known ENCODE collections, and placeholders):
 * `/v0/submission/GDC/INTERNAL/entities/<uuid>,<uuid>` → `/v0/submission/{prog}/{proj}/entities/{ids}`,
 * `/biosample/` → `/biosample/`, `/biosamples/ENCBS000AAA/` → `/biosamples/{id}/`.
 */
export function routeTemplate(pathname: string): string {
  const segments = pathname.split('/');
  return (segments[1] === 'v0' ? gdc(segments) : encode(segments)).join('/') || '/';
}

/** GDC's words after /v0/submission/{prog}/{proj}/, and what the segment after each one holds. */
const GDC_WORDS: Record<string, string | null> = {
  entities: '{ids}',
  files: '{id}',
  transactions: '{id}',
  xml: '{kind}',
  export: null,
  bcr: null,
  commit: null,
  close: null,
  submit: null,
  review: null,
  open: null,
  release: null,
  _dry_run: null,
};

function gdc(segments: string[]): string[] {
  // ['', 'v0', 'submission', ...rest]
  const [, v0, submission, first, ...rest] = segments;
  const head = ['', v0, submission === 'submission' ? submission : '{p}'];
  if (first === undefined) return head;
  if (first === '_dictionary') return [...head, first, ...rest.map(() => '{type}')];
  if (first === 'template') return [...head, first, ...rest.map(() => '{types}')];
  if (first === 'graphql' || first === '') return [...head, first];
  const [, ...after] = rest;
  const out = [...head, '{prog}', ...(rest.length ? ['{proj}'] : [])];
  let placeholder: string | null = null;
  for (const s of after) {
    if (s === '') out.push(s);
    else if (placeholder) out.push(placeholder);
    else out.push(s in GDC_WORDS ? s : '{p}');
    placeholder = s !== '' && !placeholder ? (GDC_WORDS[s] ?? null) : null;
  }
  return out;
}

/** ENCODE's fixed words; `@@upload`-style views are kept too. */
const ENCODE_WORDS = new Set(['profiles', 'search', 'session', 'me']);

function encode(segments: string[]): string[] {
  return segments.map((s, i) => {
    if (s === '' || ENCODE_WORDS.has(s) || /^@@[a-z_]+$/.test(s)) return s;
    if (i === 1 && ENCODE_COLLECTIONS.has(s)) return s;
    if (i === 2 && segments[1] === 'profiles') return s.endsWith('.json') ? '{name}.json' : '{name}';
    return '{id}';
  });
}
