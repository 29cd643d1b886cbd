import { createClient } from 'graphql-sse';
import { GatewayError } from '../gateway-client';
import { isTerminal, JOB_VIEW_FIELDS, type JobView } from './render';
import { notFound } from './status';

const PROGRESS = `subscription WatchJob($id: ID!) { jobProgress(id: $id) { ${JOB_VIEW_FIELDS} } }`;

export interface FollowOptions {
  /** The gateway's GraphQL endpoint (subscriptions over SSE are on the same path). */
  url: string;
  headers: Record<string, string>;
  id: string;
}

/**
 * Follows Subscription.jobProgress over GraphQL over SSE (graphql-sse, one request per
 * subscription; reconnects a few times when the stream drops) until the job ends: every event
 * goes to `onJob`, and the job's terminal state is the answer.
 */
export async function followJob(options: FollowOptions, onJob: (job: JobView) => void): Promise<JobView> {
  const client = createClient({ url: options.url, headers: options.headers, retryAttempts: 5 });
  let last: JobView | null = null;
  try {
    await new Promise<void>((resolve, reject) => {
      client.subscribe<{ jobProgress: JobView }>(
        { query: PROGRESS, variables: { id: options.id } },
        {
          next: (result) => {
            if (result.errors?.length) {
              const nf = result.errors.some((e) => e.extensions?.code === 'NOT_FOUND');
              return reject(nf ? notFound(options.id) : new GatewayError(result.errors.map((e) => e.message).join('; '), result.errors as never));
            }
            last = result.data!.jobProgress;
            onJob(last);
          },
          error: (err) => reject(err instanceof Error ? err : new GatewayError(`The event stream from ${options.url} failed: ${describe(err)}`)),
          complete: resolve,
        },
      );
    });
  } finally {
    client.dispose();
  }
  const final = last as JobView | null;
  if (!final || !isTerminal(final)) throw new GatewayError(`The gateway at ${options.url} ended the stream before job ${options.id} finished`);
  return final;
}

function describe(err: unknown): string {
  if (Array.isArray(err)) return err.map((e) => (e as { message?: string }).message ?? String(e)).join('; ');
  if (err && typeof err === 'object' && 'status' in err) return `HTTP ${(err as Response).status}`;
  return String(err);
}
