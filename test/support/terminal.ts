import { execFile } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');

/** What a terminal shows, replayed from the bytes a program wrote to it. */
export interface Screens {
  /** The screen after each redraw (each time the cursor went up to draw again), in order. */
  frames: string[][];
  /** Every line as it was drawn (a bar redraws its line, then erases the rest of it), in order. */
  drawn: string[];
  /** The screen at the end. */
  last: string[];
}

/**
 * Replays what cli-progress and plain writes send to a terminal: text, CR, LF, cursor up (`ESC[nA`),
 * column (`ESC[nG`), erase line (`ESC[nK`) and below (`ESC[0J`); mode switches (`ESC[?…h/l`) change
 * nothing on screen. Enough to see the bars as a user would, not a general terminal.
 */
export function replay(output: string): Screens {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  const frames: string[][] = [];
  const drawn: string[] = [];
  const put = (ch: string) => {
    const line = lines[row].padEnd(col);
    lines[row] = line.slice(0, col) + ch + line.slice(col + 1);
    col++;
  };
  const re = /\x1b\[([0-9;?]*)([A-Za-z])|\r|\n|[^\x1b\r\n]/g;
  for (const m of output.matchAll(re)) {
    const [token, arg, op] = m;
    if (token === '\r') col = 0;
    else if (token === '\n') {
      row++, (col = 0);
      if (row === lines.length) lines.push('');
    } else if (!op) put(token);
    else if (arg.startsWith('?')) continue;
    else if (op === 'A') {
      frames.push(lines.map((l) => l.trimEnd()));
      row = Math.max(0, row - Number(arg || 1));
    } else if (op === 'G') col = Number(arg || 1) - 1;
    else if (op === 'K') {
      if (arg !== '2' && col > 0) drawn.push(lines[row].slice(0, col).trimEnd());
      lines[row] = arg === '2' ? '' : lines[row].slice(0, col);
    }
    else if (op === 'J') lines.splice(row + 1), (lines[row] = lines[row].slice(0, col));
  }
  return { frames, drawn, last: lines.map((l) => l.trimEnd()).filter((l, i, all) => l || i < all.length - 1) };
}

/**
 * `submission-gateway …` on a terminal (a pty made by util-linux `script`) `columns` wide, in `cwd`:
 * its exit code and everything it wrote there (stdout and stderr together, as a user sees them).
 */
export function runCliOnTerminal(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, columns = 160): Promise<{ code: number; output: string }> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = `stty cols ${columns} rows 60; exec ${[TSX, MAIN, ...args].map(quote).join(' ')}`;
  return new Promise((resolve) => {
    // -e: script exits with the command's code; the typescript file is /dev/null (the output is read from script's stdout).
    execFile('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd, env: { ...process.env, GDC_TOKEN: '', GATEWAY_URL: '', ...env }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout }),
    );
  });
}
