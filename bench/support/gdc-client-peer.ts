import path from 'node:path';
import { ROOT, run } from './processes';

/** The vendored gdc-client source (bench/peers/gdc-client/README.md). */
const VENDORED = path.join(ROOT, 'bench', 'peers', 'gdc-client');
/** `progressbar` as gdc-client means it: Debian's progressbar2 under the name gdc-client imports. */
const SHIMS = path.join(ROOT, 'bench', 'peers', 'python-shims');
/** Debian's Python, which Debian's packages of gdc-client's dependencies are installed for. */
const DEBIAN_PYTHON = '/usr/bin/python3';
/** gdc-client's imports, and the Debian packages that provide them. */
const MODULES = ['lxml', 'jsonschema', 'yaml', 'intervaltree', 'termcolor', 'progressbar2', 'requests', 'OpenSSL', 'ndg.httpsclient', 'pyasn1', 'importlib_metadata', 'cffi'];
const PACKAGES = [
  'python3-lxml',
  'python3-jsonschema',
  'python3-yaml',
  'python3-intervaltree',
  'python3-termcolor',
  'python3-progressbar2',
  'python3-requests',
  'python3-openssl',
  'python3-ndg-httpsclient',
  'python3-pyasn1',
  'python3-importlib-metadata',
  'python3-cffi',
];

/** How to run gdc-client: a command and the environment it needs. */
export interface GdcClientPeer {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  version: string;
}

/**
 * gdc-client for the GDC upload baseline: one on the PATH, else the vendored source on Debian's
 * Python, its dependencies installed with apt when missing and running as root; null (the
 * baseline skipped, and said why) otherwise.
 */
export async function gdcClientPeer(): Promise<GdcClientPeer | null> {
  const onPath = (await run('sh', ['-c', 'command -v gdc-client'])).output.trim();
  if (onPath) return withVersion({ command: onPath, args: [], env: process.env, version: '' });
  const vendored = { command: DEBIAN_PYTHON, args: [path.join(VENDORED, 'bin', 'gdc-client')], env: { ...process.env, PYTHONPATH: `${SHIMS}:${VENDORED}` }, version: '' };
  const importsAll = async () => (await run(DEBIAN_PYTHON, ['-c', `import ${MODULES.join(', ')}`])).code === 0;
  if (await importsAll()) return withVersion(vendored);
  if (process.getuid?.() !== 0) {
    console.log(`  gdc-client's Python dependencies are missing and this is not root: install them (apt-get install ${PACKAGES.join(' ')}) to measure the gdc-client baseline; skipping it`);
    return null;
  }
  console.log("  gdc-client's Python dependencies not found: installing Debian's packages with apt, for this benchmark only …");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = await run('sh', ['-c', `apt-get update -qq && apt-get install -y -qq --no-install-recommends ${PACKAGES.join(' ')}`], { env });
  if (await importsAll()) return withVersion(vendored);
  console.log(`  could not install gdc-client's dependencies (exit ${install.code}); skipping the gdc-client baseline:\n${install.output.slice(-800)}`);
  return null;
}

async function withVersion(peer: GdcClientPeer): Promise<GdcClientPeer | null> {
  const r = await run(peer.command, [...peer.args, '--version'], { env: peer.env });
  if (r.code !== 0) {
    console.log(`  gdc-client does not run (exit ${r.code}); skipping the gdc-client baseline:\n${r.output.slice(-800)}`);
    return null;
  }
  return { ...peer, version: r.output.trim() };
}
