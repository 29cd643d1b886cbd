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
