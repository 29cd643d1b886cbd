import { execFile } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `submission-gateway …` as a real child process, no TTY, in `cwd`; no GDC token or gateway URL
 * from the test's own environment unless `env` gives them.
 */
export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(TSX, [MAIN, ...args], { cwd, env: { ...process.env, GDC_TOKEN: '', GATEWAY_URL: '', ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Uploads a gateway refused for want of a slot (MAX_CONCURRENT_UPLOADS), from its /metrics (the metric is the process's). */
export async function uploadSlotRefusals(graphqlUrl: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', graphqlUrl))).text();
  return Number(/^gateway_limit_refusals_total\{limit="MAX_CONCURRENT_UPLOADS"\} (\d+)/m.exec(text)?.[1] ?? 0);
}
