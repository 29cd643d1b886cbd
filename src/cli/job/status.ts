import { GatewayError, type GatewayClient } from '../gateway-client';
import { UsageError } from '../errors';
import { exitCodeOf, JOB_VIEW_FIELDS, type JobView, statusText } from './render';

const JOB = `query JobStatus($id: ID!) { job(id: $id) { ${JOB_VIEW_FIELDS} } }`;
const CANCEL = `mutation CancelJob($id: ID!) { cancelJob(id: $id) { ${JOB_VIEW_FIELDS} } }`;

/** Another caller's job is as unknown as one that never existed: the gateway does not tell them apart. */
export function notFound(id: string): UsageError {
  return new UsageError(`job ${id} not found (no such job, or it was started with other credentials)`);
}

/** `job status ID`: prints the job; exits as the job stands (see exitCodeOf). */
export async function jobStatus(client: GatewayClient, id: string, out: NodeJS.WritableStream): Promise<number> {
  const { job } = await client.request<{ job: JobView | null }>(JOB, { id });
  if (!job) throw notFound(id);
  out.write(statusText(job));
  return exitCodeOf(job);
}

/**
 * `job cancel ID`: the gateway answers once the job has stopped (between two transactions or
 * slices). Exit 0 when it ended CANCELLED; 1 when it had already ended otherwise (printed).
 */
export async function jobCancel(client: GatewayClient, id: string, out: NodeJS.WritableStream): Promise<number> {
  let job: JobView;
  try {
    job = (await client.request<{ cancelJob: JobView }>(CANCEL, { id })).cancelJob;
  } catch (err) {
    if (err instanceof GatewayError && err.errors.some((e) => e.extensions?.code === 'NOT_FOUND')) throw notFound(id);
    throw err;
  }
  out.write(statusText(job));
  return job.state === 'CANCELLED' ? 0 : 1;
}
