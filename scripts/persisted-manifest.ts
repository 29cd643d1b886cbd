/**
 * `npm run persisted:manifest -- <folder> [--out file] [--no-typename] [--client apollo|urql]`: a
 * persisted-query manifest of every operation in the folder's .graphql files (see
 * src/plugins/manifest.ts), for TRUSTED_DOCUMENTS. Writes persisted-query-manifest.json unless
 * --out names another file. `--client urql` prints each operation with the app's own @urql/core
 * (its `__typename`s and its layout), so the manifest's ids are the hashes urql sends.
 */
import fs from 'node:fs';
import type { DocumentNode } from 'graphql';
import { buildManifest, type ManifestOptions } from '../src/plugins/manifest';

const USAGE = 'usage: npm run persisted:manifest -- <folder of .graphql files> [--out file] [--no-typename] [--client apollo|urql]';
const VALUED = new Set(['--out', '--client']);
const args = process.argv.slice(2);
const value = (flag: string): string | undefined => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const folder = args.find((a, i) => !a.startsWith('--') && !VALUED.has(args[i - 1]));
const out = args.includes('--out') ? value('--out') : 'persisted-query-manifest.json';
const client = args.includes('--client') ? value('--client') : 'apollo';
if (!folder || !out || (client !== 'apollo' && client !== 'urql')) {
  console.error(USAGE);
  process.exit(2);
}

/** urql's own printing, from the @urql/core the app uses, so the two cannot drift apart. */
function urqlOptions(): ManifestOptions {
  let urql: { formatDocument: (doc: DocumentNode) => DocumentNode; stringifyDocument: (doc: DocumentNode) => string };
  try {
    urql = require('@urql/core');
  } catch {
    throw new Error('--client urql prints with @urql/core: install it where this runs (npm install @urql/core)');
  }
  return { typename: false, print: (doc) => urql.stringifyDocument(urql.formatDocument(doc)) };
}

try {
  const options: ManifestOptions = client === 'urql' ? urqlOptions() : { typename: !args.includes('--no-typename') };
  const manifest = buildManifest(folder, options);
  fs.writeFileSync(out, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${manifest.operations.length} operations to ${out}`);
} catch (err) {
  console.error(`persisted:manifest: ${(err as Error).message}`);
  process.exit(1);
}
