/**
 * `npm run supergraph`: composes the example supergraph (examples/supergraph/) from the gateway's
 * subgraph SDL and the `lab-inventory` example with @theguild/federation-composition, and writes
 * examples/supergraph/supergraph.graphql for a router (Hive Gateway, Apollo Router).
 *
 *   --gateway-sdl <file|url>  the gateway's SDL: a file, or a running gateway's /subgraph.graphql
 *                             (default schema/generated/starter.graphql)
 *   --gateway-url <url>       where the router reaches the gateway (default http://127.0.0.1:4000/graphql)
 *   --lab-url <url>           where it reaches lab-inventory (default http://127.0.0.1:4002/graphql)
 *   --out <file>              (default examples/supergraph/supergraph.graphql)
 *
 * `npm run supergraph:check` (`--check`): composes both committed schemas (starter and real, in
 * schema/generated/) with the example and fails on any composition error, or when the committed
 * examples/supergraph/supergraph.graphql is not the starter schema's composition.
 */
import fs from 'node:fs';
import path from 'node:path';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { SDL as LAB_INVENTORY_SDL } from '../examples/supergraph/lab-inventory';
import { packageRoot } from '../src/paths';

const EXAMPLE_DIR = path.join(packageRoot(), 'examples', 'supergraph');

export interface Composed {
  supergraphSdl: string | null;
  errors: string[];
}

export function composeExample(gatewaySdl: string, urls = { gateway: 'http://127.0.0.1:4000/graphql', lab: 'http://127.0.0.1:4002/graphql' }): Composed {
  const result = composeServices([
    { name: 'submission-gateway', typeDefs: parse(gatewaySdl), url: urls.gateway },
    { name: 'lab-inventory', typeDefs: parse(LAB_INVENTORY_SDL), url: urls.lab },
  ]);
  return { supergraphSdl: result.errors?.length ? null : (result.supergraphSdl ?? null), errors: (result.errors ?? []).map((e) => e.message) };
}

async function readSdl(source: string): Promise<string> {
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source);
    if (!res.ok) throw new Error(`${source}: HTTP ${res.status}`);
    return res.text();
  }
  return fs.readFileSync(source, 'utf8');
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  if (process.argv.includes('--check')) {
    let failed = false;
    for (const set of ['starter', 'real']) {
      const { errors } = composeExample(fs.readFileSync(path.join(packageRoot(), 'schema', 'generated', `${set}.graphql`), 'utf8'));
      console.log(`schema/generated/${set}.graphql + lab-inventory: ${errors.length} composition errors`);
      for (const e of errors) console.error(`  ${e}`);
      failed ||= errors.length > 0;
    }
    // The committed example supergraph is the starter schema's, with the default URLs.
    const fresh = composeExample(fs.readFileSync(path.join(packageRoot(), 'schema', 'generated', 'starter.graphql'), 'utf8')).supergraphSdl;
    const committed = path.join(EXAMPLE_DIR, 'supergraph.graphql');
    if (fresh !== null && (!fs.existsSync(committed) || fs.readFileSync(committed, 'utf8') !== fresh)) {
      console.error('examples/supergraph/supergraph.graphql is stale: run `npm run supergraph` and commit the result.');
      failed = true;
    }
    if (failed) process.exit(1);
    return;
  }
  const sdl = await readSdl(option('gateway-sdl', path.join(packageRoot(), 'schema', 'generated', 'starter.graphql')));
  const out = option('out', path.join(EXAMPLE_DIR, 'supergraph.graphql'));
  const { supergraphSdl, errors } = composeExample(sdl, { gateway: option('gateway-url', 'http://127.0.0.1:4000/graphql'), lab: option('lab-url', 'http://127.0.0.1:4002/graphql') });
  if (!supergraphSdl) {
    for (const e of errors) console.error(e);
    process.exit(1);
  }
  fs.writeFileSync(out, supergraphSdl);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
