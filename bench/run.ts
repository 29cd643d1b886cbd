import { runAccessLog } from './access-log';
import { runBatching } from './batching';
import { runGraph } from './graph';
import { runEncodeRegister } from './encode-register';
import { runFederation } from './federation';
import { runGdcBulk } from './gdc-bulk';
import { runGdcStreaming } from './gdc-streaming';
import { runHostile } from './hostile';
import { runJobs } from './jobs';
import { runLookup } from './lookup';
import { runNodes } from './nodes';
import { runPersisted } from './persisted';
import { runRateLimit } from './rate-limit';
import { runScaleOut } from './scale-out';
import { runTracing } from './tracing';
import { runUpload } from './upload';
import { ensureBuilt } from './support/built';
import { runValidation } from './validation';

/**
 * `npm run bench`: every benchmark prints ratios against a baseline measured in the same run.
 * `npm run bench -- upload` (or any list of names) runs only those.
 */
const BENCHMARKS: Record<string, () => Promise<void>> = {
  'access-log': runAccessLog,
  batching: runBatching,
  'encode-register': runEncodeRegister,
  federation: runFederation,
  'gdc-bulk': runGdcBulk,
  'gdc-streaming': runGdcStreaming,
  graph: runGraph,
  hostile: runHostile,
  jobs: runJobs,
  lookup: runLookup,
  nodes: runNodes,
  persisted: runPersisted,
  'rate-limit': runRateLimit,
  'scale-out': runScaleOut,
  tracing: runTracing,
  upload: runUpload,
  validation: runValidation,
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in BENCHMARKS));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  // Gateways and sandboxes in processes of their own run the build, as `npm start` does (./support/built.ts).
  ensureBuilt();
  for (const name of asked.length ? asked : Object.keys(BENCHMARKS)) await BENCHMARKS[name]();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
