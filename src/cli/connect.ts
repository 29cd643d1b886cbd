import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { loadConfig } from '../config';
import { startGateway } from '../gateway';
import { UsageError } from './errors';
import { GatewayClient } from './gateway-client';
import { type GatewayInfo, INFO } from './register/operations';

/** eu_register's `-m` modes (encode_utils' DccMode). */
export const DCC_MODES: Record<string, string> = { prod: 'https://www.encodeproject.org', dev: 'https://test.encodedcc.org' };
/** The GDC is not used by `register`; an in-process gateway still needs a URL for it. */
const UNUSED_GDC = 'https://api.gdc.cancer.gov';

export interface Connection {
  client: GatewayClient;
  /** Where ENCODE requests end up, for the user to see. */
  describe: string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** A running gateway's GraphQL endpoint. */
  gateway?: string;
  /** `-m`: prod, dev, a host or a URL. */
  mode?: string;
  env?: NodeJS.ProcessEnv;
}

/** The portal URL of an eu_register mode: prod, dev, or a host name or URL (https:// when none). */
export function modeUrl(mode: string): string {
  const known = DCC_MODES[mode.toLowerCase()];
  if (known) return known;
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(mode) ? mode : `https://${mode}`).origin;
  } catch {
    throw new UsageError(`-m ${mode} is neither prod, dev, a host name nor a URL`);
  }
}

/**
 * A gateway to talk to: the one at `--gateway`, or one started in this process on the portal of
 * `-m`/DCC_MODE (with DCC_API_KEY/DCC_SECRET_KEY), or on the embedded sandbox when neither is given.
 */
export async function connect(options: ConnectOptions): Promise<Connection> {
  const env = options.env ?? process.env;
  if (options.gateway) return remote(options.gateway, options.mode, env);
  const mode = options.mode ?? env.DCC_MODE?.trim();
  return mode ? inProcessOnPortal(modeUrl(mode), env) : inProcessOnSandbox(env);
}

/** The ENCODE key headers (when the environment has both) and the gateway key (GATEWAY_API_KEY). */
function headers(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  if (env.DCC_API_KEY && env.DCC_SECRET_KEY) Object.assign(out, { 'x-dcc-api-key': env.DCC_API_KEY, 'x-dcc-secret-key': env.DCC_SECRET_KEY });
  if (env.GATEWAY_API_KEY) out.authorization = `Bearer ${env.GATEWAY_API_KEY}`;
  return out;
}

async function remote(url: string, mode: string | undefined, env: NodeJS.ProcessEnv): Promise<Connection> {
  const client = new GatewayClient(url, headers(env));
  const { gatewayInfo } = await client.request<GatewayInfo>(INFO);
  const encode = gatewayInfo.upstreams.find((u) => u.source === 'ENCODE');
  // -m names the portal; a running gateway has its own: refuse rather than write to the other one.
  if (mode && encode && new URL(encode.url).origin !== modeUrl(mode)) {
    throw new UsageError(`-m ${mode} is ${modeUrl(mode)}, but the gateway at ${url} talks to ${encode.url}`);
  }
  return { client, describe: `gateway ${url} (ENCODE ${encode?.url ?? 'unknown'}${encode?.sandbox ? ', sandbox' : ''})`, close: async () => undefined };
}

/**
 * The in-process gateway listens on loopback, where any local user could reach it: it answers only
 * this run, which holds a random key, and so lends your DCC keys to no one else on the machine.
 */
function privateKey(): string {
  return randomBytes(24).toString('base64url');
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function inProcessOnPortal(portal: string, env: NodeJS.ProcessEnv): Promise<Connection> {
  const key = env.DCC_API_KEY?.trim();
  const secret = env.DCC_SECRET_KEY?.trim();
  if (!key || !secret) throw new UsageError(`set DCC_API_KEY and DCC_SECRET_KEY to register on ${portal}`);
  const config = loadConfig({ ...env, ENCODE_URL: portal, GDC_URL: UNUSED_GDC });
  const gatewayKey = privateKey();
  const gateway = await startGateway({
    encodeUrl: portal,
    gdcUrl: UNUSED_GDC,
    sandbox: { encode: false, gdc: false },
    defaults: { encode: null, gdcToken: null },
    operator: { encode: { key, secret }, gdcToken: null },
    apiKeys: [gatewayKey],
    logger: pino({ level: env.LOG_LEVEL ?? 'silent' }, process.stderr),
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    maxUploadBytes: config.maxUploadBytes,
    uploads: config.uploads,
  });
  return { client: new GatewayClient(gateway.graphqlUrl, bearer(gatewayKey)), describe: `ENCODE portal ${portal}`, close: () => gateway.stop() };
}

async function inProcessOnSandbox(env: NodeJS.ProcessEnv): Promise<Connection> {
  const config = loadConfig({ ...env, GDC_URL: UNUSED_GDC });
  const { startSandbox } = await import('../sandbox');
  const sandbox = await startSandbox({
    gdc: false,
    encodeProfiles: config.sandbox.encodeProfiles,
    encodeSeed: config.sandbox.encodeSeed,
    s3Dir: config.sandbox.s3Dir,
    dataDir: config.sandbox.dataDir,
  });
  try {
    const gatewayKey = privateKey();
    const gateway = await startGateway({
      apiKeys: [gatewayKey],
      encodeUrl: sandbox.encode!.url,
      gdcUrl: UNUSED_GDC,
      sandbox: { encode: true, gdc: false },
      defaults: { encode: sandbox.encode!.credentials, gdcToken: null },
      logger: pino({ level: env.LOG_LEVEL ?? 'silent' }, process.stderr),
      maxUploadBytes: config.maxUploadBytes,
      uploads: { ...config.uploads, encodeS3Endpoint: sandbox.s3!.url },
    });
    const where = config.sandbox.s3Dir ? `, S3 objects kept in ${config.sandbox.s3Dir}` : ', gone when this run ends';
    return {
      client: new GatewayClient(gateway.graphqlUrl, bearer(gatewayKey)),
      describe: `the embedded ENCODE sandbox (${sandbox.encode!.url}${where})`,
      close: async () => {
        await gateway.stop();
        await sandbox.stop();
      },
    };
  } catch (err) {
    await sandbox.stop();
    throw err;
  }
}
