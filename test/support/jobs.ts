import { request } from 'undici';
import type { RunningSandbox } from '../../src/sandbox';
import { GDC_RESULT } from './gdc';
import type { Stack } from './stack';
import { ok } from './stack';

/** GraphQL documents and helpers shared by the job tests. */

export const JOB_FIELDS = `id kind state error createdAt startedAt finishedAt
  progress { total done succeeded failed etaSeconds message }`;

export const START_CREATE = `mutation S($input: CreateEntitiesInput!) { startCreateEntities(input: $input) { ${JOB_FIELDS} } }`;
export const START_PATCH = `mutation S($input: PatchRecordsInput!) { startPatchRecords(input: $input) { ${JOB_FIELDS} } }`;
export const CANCEL = `mutation C($id: ID!) { cancelJob(id: $id) { ${JOB_FIELDS} } }`;
export const RESUME = `mutation R($id: ID!) { resumeJob(id: $id) { ${JOB_FIELDS} } }`;
export const JOB = `query J($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`;
export const JOB_RESULT = `query J($id: ID!, $first: Int, $after: String) { job(id: $id) { state result(first: $first, after: $after) { ${GDC_RESULT} entities { aliases } } } }`;
export const JOBS = `query L($state: JobState, $first: Int, $after: String) {
  jobs(state: $state, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id state kind } } } }`;

export type Gql = Stack['gql'];

/** Polls `job` until `until` holds (default: a terminal state). */
export async function waitForJob(gql: Gql, id: string, until: (job: any) => boolean = (j) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(j.state), timeoutMs = 60_000, headers: Record<string, string> = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const job = ok(await gql(JOB, { id }, headers)).job;
    if (job && until(job)) return job;
    if (Date.now() > end) throw new Error(`job ${id} not as expected after ${timeoutMs} ms: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every entity of a job's result, read page by page as a client would. */
export async function allEntities(gql: Gql, id: string, first = 7): Promise<any[]> {
  const all: any[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = ok(await gql(JOB_RESULT, { id, first, after })).job.result;
    all.push(...page.entities);
    if (page.entities.length < first) return all;
    after = String(page.entities.at(-1).index);
  }
}

/**
 * Stack-style `gql` against a gateway process at `graphqlUrl`, a connection per request: a
 * kept-alive one the gateway closes as it is reused (SIGKILL, drain) would fail a poll for nothing.
 */
export function gqlAt(graphqlUrl: string): Gql {
  return async (query, variables = {}, headers = {}) => {
    const res = await request(graphqlUrl, { method: 'POST', reset: true, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    return (await res.body.json()) as any;
  };
}

/** How many GDC cases the sandbox holds per submitter_id starting with `prefix` (exactly-once checks). */
export function casesHeld(sandbox: RunningSandbox, prefix: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of sandbox.gdc!.emulator.service.store.ofType('case')) {
    const id = String(node.props.submitter_id);
    if (id.startsWith(prefix)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
