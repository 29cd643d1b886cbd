import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { FaultSwitch } from '../shared/faults';
import { RequestLog } from '../shared/request-log';
import { REAL_DATA, starterPath } from '../shared/paths';
import { basicAuth } from './auth';
import { Portal, type PortalSnapshot } from './portal';
import { StateFile } from '../shared/state-file';
import { type AccessKey, ENCODE_SANDBOX_KEYS } from './principals';
import { ProfileRegistry } from './profiles';
import { portalErrors, portalRoutes } from './routes';
import { LOAD_ORDER_FILE, loadInserts } from './inserts';
import { loadSeed } from './seed';
import type { S3Target } from './upload';

export { ENCODE_SANDBOX_KEYS } from './principals';
export type { AccessKey } from './principals';

export interface EncodeSandboxOptions {
  /** Injected faults (latency, errors, resets, hangs, lost responses); default from SANDBOX_FAULTS. */
  faults?: FaultSwitch;
  /** A folder of ENCODE profiles with mixins.json; default the built-in starter profiles. */
  profilesDir?: string;
  /**
   * Records loaded at start: a seed file (`{item_type: [records]}`) or a folder of encoded inserts
   * (with `inserts_load_order.json`). Undefined = the starter seed with the starter profiles, the
   * real inserts with the real profiles, none otherwise; null = none.
   */
  seedFile?: string | null;
  s3: S3Target;
  accessKeys?: AccessKey[];
  /** `sync` (default): search sees writes at once; `manual`: only after reindex(), like a lagging index. */
  searchIndex?: 'sync' | 'manual';
  /** A snapshot file the portal's records are kept in and reloaded from (instead of the seed); none = in memory. */
  stateFile?: string | null;
}

export interface EncodeSandbox {
  handler: express.Express;
  requests: RequestLog;
  faults: FaultSwitch;
  portal: Portal;
  /** Brings the search index up to date (manual mode). */
  reindex(): void;
  /** Writes pending changes to the state file, if any (at stop). */
  flush(): void;
}

export async function createEncodeSandbox(options: EncodeSandboxOptions): Promise<EncodeSandbox> {
  const starter = starterPath('encode', 'profiles');
  const profilesDir = options.profilesDir ?? starter;
  const portal = new Portal(new ProfileRegistry(profilesDir), options.s3);
  const state = options.stateFile ? new StateFile(options.stateFile, () => portal.snapshot()) : null;
  const saved = state?.read<PortalSnapshot>();
  if (saved) portal.restore(saved);
  const seed = saved ? null : options.seedFile === undefined ? defaultSeed(profilesDir) : options.seedFile;
  let insertsLoaded = false;
  if (seed) {
    if (!fs.existsSync(seed)) throw new Error(`ENCODE seed ${seed} does not exist`);
    if (fs.statSync(seed).isDirectory()) {
      if (!fs.existsSync(path.join(seed, LOAD_ORDER_FILE))) throw new Error(`ENCODE seed folder ${seed} has no ${LOAD_ORDER_FILE}`);
      loadInserts(portal, seed);
      insertsLoaded = true;
    } else loadSeed(portal, seed);
  }
  // Every key's user exists from the start, so an admin can grant a submitter its labs.
  const keys = options.accessKeys ?? Object.values(ENCODE_SANDBOX_KEYS);
  for (const key of keys) portal.principalFor(key);
  // The inserts' labs belong to their own users; the sandbox submitter submits for all of them, so
  // registration works at once with any lab the inserts hold.
  if (insertsLoaded) portal.grantAllLabs(ENCODE_SANDBOX_KEYS.submitter.email);
  if (options.searchIndex === 'manual') portal.store.freezeIndex();

  const requests = new RequestLog();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requests.middleware());
  if (state) app.use(state.middleware());
  const faults = options.faults ?? FaultSwitch.fromEnv();
  app.use(faults.middleware());
  app.use(express.text({ type: () => true, limit: '50mb' }));
  app.use(basicAuth(portal, keys));
  app.use(portalRoutes(portal));
  app.use(portalErrors);
  // The first snapshot holds the seed as loaded (minted accessions included).
  if (state && !saved) {
    state.changed();
    state.flush();
  }
  return { handler: app, requests, faults, portal, reindex: () => portal.store.reindex(), flush: () => state?.flush() };
}

function defaultSeed(profilesDir: string): string | null {
  const dir = path.resolve(profilesDir);
  if (dir === path.resolve(starterPath('encode', 'profiles'))) return starterPath('encode', 'seed.json');
  if (dir === path.resolve(REAL_DATA.encodeProfiles)) return REAL_DATA.encodeInserts;
  return null;
}
