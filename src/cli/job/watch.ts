import { Presets, SingleBar } from 'cli-progress';
import { createClient } from 'graphql-sse';
import { GatewayError } from '../gateway-client';
import { notFound } from './status';
import { count, eta, exitCodeOf, isTerminal, JOB_VIEW_FIELDS, type JobView, line, statusText } from './render';

const PROGRESS = `subscription WatchJob($id: ID!) { jobProgress(id: $id) { ${JOB_VIEW_FIELDS} } }`;

export interface WatchOptions {
  url: string;
  headers: Record<string, string>;
  id: string;
  /** Where the final state goes (the summary a script reads). */
  out: NodeJS.WritableStream;
  /** Where progress goes: a bar when it is a terminal, else one line per change. */
  err: NodeJS.WriteStream;
}

/** Shows each event of the job: a bar on a terminal, else a line whenever what it says changes. */
interface Display {
  show(job: JobView): void;
  stop(): void;
}

export function display(stream: NodeJS.WriteStream): Display {
  if (!stream.isTTY) {
    let last = '';
    return {
      show: (job) => {
        const text = line(job);
        // The gateway repeats an unchanged job every few seconds (a heartbeat): one line each change.
        if (text !== last) stream.write(`${text}\n`), (last = text);
      },
      stop: () => undefined,
    };
  }
  // The job's own ETA (the gateway measures it over the whole run), not cli-progress's estimate.
  const bar = new SingleBar({ stream, format: '{state} [{bar}] {count}, ETA {jobEta}', hideCursor: true }, Presets.shades_classic);
  let started = false;
  return {
    show: (job) => {
      const payload = { state: job.state, count: count(job), jobEta: eta(job.progress.etaSeconds) };
      const total = job.progress.total ?? 0;
      if (!started) bar.start(total, job.progress.done, payload), (started = true);
      else bar.setTotal(total), bar.update(job.progress.done, payload);
    },
    stop: () => started && bar.stop(),
  };
}

/**
 * `job watch ID`: follows Subscription.jobProgress over GraphQL over SSE (graphql-sse, one request
 * per subscription; reconnects a few times when the stream drops) until the job ends, then prints
 * its final state. Exit codes as `job status`.
 */
export async function jobWatch(options: WatchOptions): Promise<number> {
  const client = createClient({ url: options.url, headers: options.headers, retryAttempts: 5 });
  const shown = display(options.err);
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
            shown.show(last);
          },
          error: (err) => reject(err instanceof Error ? err : new GatewayError(`The event stream from ${options.url} failed: ${describe(err)}`)),
          complete: resolve,
        },
      );
    });
  } finally {
    shown.stop();
    client.dispose();
  }
  const final = last as JobView | null;
  if (!final || !isTerminal(final)) throw new GatewayError(`The gateway at ${options.url} ended the stream before job ${options.id} finished`);
  options.out.write(statusText(final));
  return exitCodeOf(final);
}

function describe(err: unknown): string {
  if (Array.isArray(err)) return err.map((e) => (e as { message?: string }).message ?? String(e)).join('; ');
  if (err && typeof err === 'object' && 'status' in err) return `HTTP ${(err as Response).status}`;
  return String(err);
}
