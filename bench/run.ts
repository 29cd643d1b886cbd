import { runBatching } from './batching';
import { runEncodeRegister } from './encode-register';
import { runGdcStreaming } from './gdc-streaming';

/** `npm run bench`: every benchmark prints ratios against a baseline measured in the same run. */
async function main(): Promise<void> {
  await runBatching();
  await runEncodeRegister();
  await runGdcStreaming();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
