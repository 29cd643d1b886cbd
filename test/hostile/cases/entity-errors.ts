import type { AttackOutcome, HostileCase } from '../../support/hostile';

/**
 * Entity errors worded by the gateway (issue 13) from upstream messages that echo the caller's
 * values: a value of megabytes inside GDC's message must be answered with its code, the message
 * cut, while other callers are served. (A document whose 5,000 rows all fail is not a case here
 * yet: main without the wording already stalls another caller 121 ms on it, this branch 100 ms;
 * the cost is GDC's answer of 5,000 failed entities itself.)
 */
export interface EntityErrorCase extends HostileCase {
  expected: { code: string; limit?: string };
}

const CREATE = 'mutation C($input: CreateEntitiesInput!) { createEntities(input: $input) { success entities { errors { code message } } } }';

/**
 * createEntities with the document as an uploaded file (a JSON body is capped at MAX_REQUEST_BYTES,
 * uploads at MAX_UPLOAD_BYTES), as an outcome: the first entity error's code is the code.
 */
async function entityOutcome(graphqlUrl: string, input: object, name: string, document: string): Promise<AttackOutcome> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: CREATE, variables: { input: { ...input, file: null } } }));
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

export const cases: EntityErrorCase[] = [
  {
    name: 'GDC enum error echoing a 4 MB value',
    expected: { code: 'INVALID_VALUE' },
    attack: (g) => entityOutcome(g.graphqlUrl, { source: 'GDC', project: 'GDC-INTERNAL', dryRun: true }, 'big.json', JSON.stringify([gdcCase('x'.repeat(4 * 1024 * 1024), 'HOSTILE-BIG')])),
  },
];
