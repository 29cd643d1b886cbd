/**
 * `npm run web:build [-- --serve [port]]`: bundles examples/web (TypeScript, urql, the client
 * preset's typed documents) with esbuild into examples/web/dist/ (app.js beside a copy of
 * index.html), the one folder a static server needs. With --serve, esbuild serves that folder on
 * 127.0.0.1 (port 5173 unless given) and rebuilds app.js when a source changes (index.html is
 * copied once: restart after editing it).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { packageRoot } from '../src/paths';

export const WEB_DIR = path.join(packageRoot(), 'examples', 'web');
export const WEB_DIST = path.join(WEB_DIR, 'dist');

const OPTIONS: esbuild.BuildOptions = {
  entryPoints: [path.join(WEB_DIR, 'src', 'main.ts')],
  outfile: path.join(WEB_DIST, 'app.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  minify: true,
  sourcemap: true,
  // urql's development warnings are left out, as a production bundler would.
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
};

/** One build; the bundle's size in bytes. */
export async function buildWeb(): Promise<number> {
  fs.mkdirSync(WEB_DIST, { recursive: true });
  fs.copyFileSync(path.join(WEB_DIR, 'index.html'), path.join(WEB_DIST, 'index.html'));
  await esbuild.build(OPTIONS);
  return fs.statSync(path.join(WEB_DIST, 'app.js')).size;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const serve = args.includes('--serve');
  const portArg = serve ? args[args.indexOf('--serve') + 1] : undefined;
  const port = Number(portArg ?? 5173);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--serve takes a port number, not '${portArg}'`);
  const size = await buildWeb();
  console.log(`wrote ${path.relative(packageRoot(), WEB_DIST)}/app.js (${Math.round(size / 1024)} KiB) and index.html`);
  if (!serve) return;
  const context = await esbuild.context(OPTIONS);
  await context.watch();
  const { hosts } = await context.serve({ servedir: WEB_DIST, host: '127.0.0.1', port });
  console.log(`serving http://${hosts[0]}:${port}/ (Ctrl-C stops); open it with ?gateway=http://localhost:4000/graphql`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`web:build: ${(err as Error).message}`);
    process.exit(1);
  });
}
