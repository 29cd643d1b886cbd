import type { AttackOutcome, HostileCase } from '../../support/hostile';

/**
 * Entity errors worded by the gateway (issue 13) from upstream messages that echo the caller's
 * values: a value of megabytes inside GDC's message must be answered with its code, the message
 * cut, while other callers are served; and a document whose every row fails, whose answer (one
 * worded, placed error per row, each with GDC's list of allowed values) must be built and sent
 * without holding other callers, from GDC's answer and from the gateway's own ENCODE dry run.
 */
export interface EntityErrorCase extends HostileCase {
  /** The first entity error's code; `errors`, when given, how many entity errors the answer holds. */
  expected: { code: string; limit?: string; errors?: number };
}

const CREATE = 'mutation C($input: CreateEntitiesInput!) { createEntities(input: $input) { success entities { errors { code message } } } }';
/** Everything an entity error says: what a client showing a failed document's errors asks for. */
const CREATE_ALL = 'mutation C($input: CreateEntitiesInput!) { createEntities(input: $input) { success entities { row errors { code message upstreamMessage row column keys } } } }';

/**
 * createEntities with the document as an uploaded file (a JSON body is capped at MAX_REQUEST_BYTES,
 * uploads at MAX_UPLOAD_BYTES), as an outcome: the first entity error's code is the code.
 */
async function entityOutcome(graphqlUrl: string, input: object, name: string, document: string, query = CREATE): Promise<AttackOutcome> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { input: { ...input, file: null } } }));
  form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.append('0', new Blob([document]), name);
  const res = await fetch(graphqlUrl, { method: 'POST', headers: { 'apollo-require-preflight': 'true' }, body: form });
  const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[]; data?: { createEntities?: { entities: { errors: { code: string; message: string }[] }[] } } };
  if (body.errors?.length) return { status: res.status, code: body.errors[0].extensions?.code };
  const errors = body.data?.createEntities?.entities.flatMap((e) => e.errors) ?? [];
  // The message must be worded and cut, never the megabytes echoed back.
  const longest = Math.max(0, ...errors.map((e) => e.message.length));
  return { status: res.status, code: longest > 2_000 ? 'MESSAGE_NOT_CUT' : errors[0]?.code, detail: { errors: errors.length, longest } };
}

const gdcCase = (primarySite: string, submitterId: string) => ({
  type: 'case',
  submitter_id: submitterId,
  disease_type: 'Blood Vessel Tumors',
  primary_site: primarySite,
  projects: { code: 'INTERNAL' },
});

const CASE_COLUMNS = 'type\tsubmitter_id\tprojects.code\tdisease_type\tprimary_site';

/**
 * `rows` case rows whose primary_site is no allowed value: `badSite(i)` for row i (GDC answers
 * each with its list of 72 allowed sites, ~2 KB).
 */
function failingDocument(rows: number, badSite: (i: number) => string): string {
  const lines = [CASE_COLUMNS];
  for (let i = 1; i <= rows; i++) lines.push(`case\tHOSTILE-FAILING-${i}\tINTERNAL\tBlood Vessel Tumors\t${badSite(i)}`);
  return `${lines.join('\n')}\n`;
}

const DRY_RUN = { source: 'GDC', project: 'GDC-INTERNAL', dryRun: true };

/** One small failing dry run along the same path: the modules of the path loaded, the GDC pool open. */
const warmUp = (g: { graphqlUrl: string }) => entityOutcome(g.graphqlUrl, DRY_RUN, 'warm.tsv', failingDocument(2, () => 'Nowhere'), CREATE_ALL);

/** `rows` biosample rows whose preservation_method is no allowed value (the portal allows two). */
function failingRecords(rows: number): string {
  const lines = ['aliases\tsource\torganism\tbiosample_ontology\tpreservation_method'];
  for (let i = 1; i <= rows; i++) lines.push(`hostile-failing-${i}\tatcc\thuman\tcell_line_EFO_0001203\tfrozen`);
  return `${lines.join('\n')}\n`;
}

const ENCODE_DRY_RUN = { source: 'ENCODE', profile: 'biosample', award: 'UM1HG000000', lab: 'sandbox-lab', dryRun: true };

export const cases: EntityErrorCase[] = [
  {
    name: 'GDC enum error echoing a 4 MB value',
    expected: { code: 'INVALID_VALUE' },
    attack: (g) => entityOutcome(g.graphqlUrl, DRY_RUN, 'big.json', JSON.stringify([gdcCase('x'.repeat(4 * 1024 * 1024), 'HOSTILE-BIG')])),
  },
  {
    // One typo in every row: GDC's 20,000 entries say the same thing.
    name: 'GDC dry run: 20k rows, one bad value',
    expected: { code: 'INVALID_VALUE', errors: 20_000 },
    warmUp,
    attack: (g) => entityOutcome(g.graphqlUrl, DRY_RUN, 'failing.tsv', failingDocument(20_000, () => 'Nowhere'), CREATE_ALL),
  },
  {
    // A different bad value in each row: no two of GDC's 20,000 entries (~40 MB) are alike.
    name: 'GDC dry run: 20k rows, 20k bad values',
    expected: { code: 'INVALID_VALUE', errors: 20_000 },
    warmUp,
    attack: (g) => entityOutcome(g.graphqlUrl, DRY_RUN, 'failing.tsv', failingDocument(20_000, (i) => `Nowhere ${i}`), CREATE_ALL),
  },
  {
    // No dry-run endpoint at ENCODE: the gateway reads, links, looks up and validates all 20,000 itself.
    name: 'ENCODE dry run: 20k rows, one bad value',
    expected: { code: 'INVALID_VALUE', errors: 20_000 },
    warmUp: (g) => entityOutcome(g.graphqlUrl, ENCODE_DRY_RUN, 'warm.tsv', failingRecords(2), CREATE_ALL),
    attack: (g) => entityOutcome(g.graphqlUrl, ENCODE_DRY_RUN, 'failing.tsv', failingRecords(20_000), CREATE_ALL),
  },
];
