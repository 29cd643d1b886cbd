import { Presets, SingleBar } from 'cli-progress';

/** Progress of one long step (hashing or uploading a file). */
export interface Progress {
  tick(bytes: number): void;
  done(): void;
}

export type ProgressFactory = (label: string, total: number) => Progress;

/** Below this, a step is quick enough that plain output says nothing until its result. */
const PLAIN_LINES_FROM = 64 * 1024 * 1024;

/**
 * A bar on a terminal (cli-progress, on stderr); otherwise plain lines at 0, 25, 50, 75 and 100%
 * for files of 64 MiB and more, so logs of non-interactive runs stay readable.
 */
export function progressFor(stream: NodeJS.WriteStream = process.stderr): ProgressFactory {
  if (stream.isTTY) {
    return (label, total) => {
      const bar = new SingleBar({ stream, format: `${label} [{bar}] {percentage}% {value}/{total} ETA {eta_formatted}`, formatValue: sizeValue, hideCursor: true }, Presets.shades_classic);
      bar.start(total, 0);
      return { tick: (n) => bar.increment(n), done: () => bar.stop() };
    };
  }
  return (label, total) => {
    if (total < PLAIN_LINES_FROM) return { tick: () => undefined, done: () => undefined };
    let seen = 0;
    let shown = -1;
    const line = () => {
      const step = Math.min(4, Math.floor((seen / total) * 4));
      if (step > shown) stream.write(`${label}: ${step * 25}% (${human(seen)} of ${human(total)})\n`), (shown = step);
    };
    line();
    return {
      tick: (n) => {
        seen = Math.min(total, seen + n);
        line();
      },
      done: line,
    };
  };
}

function sizeValue(v: number, _options: unknown, type: string): string {
  return type === 'value' || type === 'total' ? human(v) : String(v);
}

export function human(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) (v /= 1024), u++;
  return `${u ? v.toFixed(1) : v} ${units[u]}`;
}
