import { Presets, SingleBar } from 'cli-progress';
import { followJob } from './follow';
import { count, eta, exitCodeOf, type JobView, line, statusText } from './render';

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
export interface Display {
  show(job: JobView): void;
  stop(): void;
}

/** The bar's text: the job's own ETA (the gateway measures it over the whole run), not cli-progress's estimate. */
export const JOB_BAR_FORMAT = '{state} [{bar}] {count}, ETA {jobEta}';

/** What the bar says of `job`; `unit` names what is counted ("records"), when the caller knows. */
export function jobBarPayload(job: JobView, unit?: string): { state: string; count: string; jobEta: string } {
  return { state: job.state, count: unit ? `${count(job)} ${unit}` : count(job), jobEta: eta(job.progress.etaSeconds) };
}

/** One line per change: the gateway repeats an unchanged job every few seconds (a heartbeat). */
export function lineDisplay(stream: NodeJS.WritableStream): Display {
  let last = '';
  return {
    show: (job) => {
      const text = line(job);
      if (text !== last) stream.write(`${text}\n`), (last = text);
    },
    stop: () => undefined,
  };
}

/**
 * A bar fed by the job's events: its own (a SingleBar), or one line of a MultiBar that also
 * shows other work (register's uploads). `create` makes and starts the bar at the first event.
 */
export function barDisplay(create: (total: number, value: number, payload: object) => SingleBar, unit?: string): Display & { bar(): SingleBar | null } {
  let bar: SingleBar | null = null;
  return {
    show: (job) => {
      const payload = jobBarPayload(job, unit);
      const total = job.progress.total ?? 0;
      if (!bar) bar = create(total, job.progress.done, payload);
      else bar.setTotal(total), bar.update(job.progress.done, payload);
    },
    stop: () => undefined,
    bar: () => bar,
  };
}

export function display(stream: NodeJS.WriteStream): Display {
  if (!stream.isTTY) return lineDisplay(stream);
  const single = new SingleBar({ stream, format: JOB_BAR_FORMAT, hideCursor: true }, Presets.shades_classic);
  const shown = barDisplay((total, value, payload) => (single.start(total, value, payload), single));
  return { show: shown.show, stop: () => shown.bar() && single.stop() };
}

/**
 * `job watch ID`: follows the job (followJob) until it ends, then prints its final state. Exit
 * codes as `job status`.
 */
export async function jobWatch(options: WatchOptions): Promise<number> {
  const shown = display(options.err);
  let final: JobView;
  try {
    final = await followJob(options, (job) => shown.show(job));
  } finally {
    shown.stop();
  }
  options.out.write(statusText(final));
  return exitCodeOf(final);
}
