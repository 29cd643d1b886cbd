import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { eta } from '../job/render';
import { barDisplay, type Display, JOB_BAR_FORMAT, lineDisplay } from '../job/watch';
import { human, progressFor } from '../progress';

/** One file being read or sent: its own bar on a terminal, removed when it ends. */
export interface FileProgress {
  tick(bytes: number): void;
  /** `outcome`: what a log of the run should say of this file (plain output), e.g. "uploaded x to TSTFF…". */
  done(outcome?: string): void;
  /** The attempt is given up, to be made again (a new bar): its bar goes and its bytes no longer count. */
  drop(): void;
}

/**
 * What `register` shows on stderr while it runs: ONE overall bar (the job's `n of N records`, fed
 * by its subscription, then `k of M files` while files are measured or uploaded) and one bar per
 * file in flight. Not on a terminal: the job's lines as `job watch` writes them, and a line per
 * file as it ends (big files also at 25% steps), so a log stays readable.
 */
export interface RunBars {
  /** Fed with the job's events. */
  job: Display;
  /**
   * The overall bar now counts `files` files of `bytes` bytes in all, under `name` (md5, upload);
   * while the job's bar shows (uploads start as records are answered), once the job has ended.
   */
  phase(name: string, files: number, bytes: number): void;
  /** A file the phase counted will not come (its record was not registered). */
  less(bytes: number): void;
  /** The job ended: the overall bar turns to the phase set meanwhile, if any. */
  jobEnded(): void;
  file(label: string, size: number): FileProgress;
  /** A line of text (ending with a newline): above the bars while they are drawn, so no redraw wipes it. */
  log(text: string): void;
  /** Stops drawing (before the report is printed); safe to call twice. */
  stop(): void;
}

export function runBars(stream: NodeJS.WriteStream): RunBars {
  return stream.isTTY ? terminalBars(stream) : plainBars(stream);
}

/** Files done of the phase, and an ETA from the bytes done so far. */
class PhaseCount {
  files = 0;
  done = 0;
  bytes = 0;
  bytesDone = 0;
  private started = Date.now();

  reset(files: number, bytes: number): void {
    Object.assign(this, { files, done: 0, bytes, bytesDone: 0, started: Date.now() });
  }

  etaSeconds(): number | null {
    if (!this.bytesDone) return null;
    const elapsed = (Date.now() - this.started) / 1000;
    return (elapsed / this.bytesDone) * (this.bytes - this.bytesDone);
  }
}

function terminalBars(stream: NodeJS.WriteStream): RunBars {
  const bars = new MultiBar({ stream, hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
  const count = new PhaseCount();
  let name = '';
  let overall: SingleBar | null = null;
  let stopped = false;
  // While the job's bar shows, file bars tick but the overall bar stays the job's.
  let jobShowing = false;
  let phaseWaiting = false;
  // The one overall bar: made by whichever comes first (measuring files, or the job's first event).
  const show = (total: number, value: number, payload: object): SingleBar => {
    if (!overall) overall = bars.create(total, value, payload, { format: JOB_BAR_FORMAT });
    else overall.setTotal(total), overall.update(value, payload);
    return overall;
  };
  const payload = () => ({ state: name, count: `${count.done} of ${count.files} files`, jobEta: eta(count.etaSeconds()) });
  const redraw = () => jobShowing || overall?.update(count.done, payload());
  return {
    job: barDisplay((total, value, p) => ((jobShowing = true), show(total, value, p)), 'records'),
    phase(phaseName, files, bytes) {
      name = phaseName;
      count.reset(files, bytes);
      phaseWaiting = jobShowing;
      if (!jobShowing) show(files, 0, payload());
    },
    less(bytes) {
      count.files--;
      count.bytes -= bytes;
      redraw();
    },
    jobEnded() {
      jobShowing = false;
      if (phaseWaiting && count.files > 0) show(count.files, count.done, payload());
      phaseWaiting = false;
    },
    file(label, size) {
      const bar = bars.create(size, 0, { label }, { format: '  {label} [{bar}] {percentage}% {value}/{total}', formatValue: sizeValue });
      let sent = 0;
      return {
        tick: (n) => {
          sent += n;
          bar.increment(n);
          count.bytesDone += n;
          redraw();
        },
        done: () => {
          bars.remove(bar);
          count.done++;
          redraw();
        },
        drop: () => {
          bars.remove(bar);
          count.bytesDone -= sent;
          redraw();
        },
      };
    },
    log: (text) => (overall && !stopped ? bars.log(text) : stream.write(text)),
    stop() {
      if (!stopped) bars.stop(), (stopped = true);
    },
  };
}

function plainBars(stream: NodeJS.WriteStream): RunBars {
  const big = progressFor(stream);
  const count = new PhaseCount();
  return {
    job: lineDisplay(stream),
    phase: (_name, files, bytes) => count.reset(files, bytes),
    less(bytes) {
      count.files--;
      count.bytes -= bytes;
    },
    jobEnded: () => undefined,
    file(label, size) {
      const steps = big(label, size);
      return {
        tick: steps.tick,
        drop: () => undefined,
        done(outcome) {
          steps.done();
          count.done++;
          if (outcome) stream.write(`${count.done} of ${count.files} files: ${outcome}\n`);
        },
      };
    },
    log: (text) => stream.write(text),
    stop: () => undefined,
  };
}

function sizeValue(v: number, _options: unknown, type: string): string {
  return type === 'value' || type === 'total' ? human(v) : String(v);
}
