/**
 * `npm run persisted:manifest -- <folder> [--out file] [--no-typename]`: a persisted-query manifest
 * of every operation in the folder's .graphql files (see src/plugins/manifest.ts), for
 * TRUSTED_DOCUMENTS. Writes persisted-query-manifest.json unless --out names another file.
 */
import fs from 'node:fs';
import { buildManifest } from '../src/plugins/manifest';

const args = process.argv.slice(2);
const folder = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--out');
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : 'persisted-query-manifest.json';
if (!folder || !out) {
  console.error('usage: npm run persisted:manifest -- <folder of .graphql files> [--out file] [--no-typename]');
  process.exit(2);
}
try {
  const manifest = buildManifest(folder, { typename: !args.includes('--no-typename') });
  fs.writeFileSync(out, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${manifest.operations.length} operations to ${out}`);
} catch (err) {
  console.error(`persisted:manifest: ${(err as Error).message}`);
  process.exit(1);
}
