import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RunningSandbox, startSandbox } from '../../src/sandbox';
import { dataPath } from '../../src/sandbox/shared/paths';
import { kill, type RunningProcess, startGatewayProcess } from './process';
import { type PrivateRedis, startPrivateRedis } from './redis';

export type JobsGateway = RunningProcess & { url: string; graphqlUrl: string };

/** The processes of a test of jobs on the shared queue (issue 17). */
export interface RedisJobsRig {
  /** GDC only, with the real dictionary. */
  sandbox: RunningSandbox;
  redis: PrivateRedis;
  /**
   * A gateway process on the sandbox and Redis (REDIS_URL, JOBS_ENCRYPTION_KEY), on a disk of its
   * own (DATA_DIR, TMPDIR): nothing reaches another instance except through Redis. `env` adds to
   * or overrides the defaults.
   */
  gateway(env?: Record<string, string>): Promise<JobsGateway>;
  /** Kills the gateways started so far and waits for them to exit. */
  stopGateways(): Promise<void>;
  /** The gateways, Redis, the sandbox, the disks. */
  stop(): Promise<void>;
}

export async function startRedisJobsRig(options: { name: string; encryptionKey: string; persistentRedis?: boolean }): Promise<RedisJobsRig> {
  const [sandbox, redis] = await Promise.all([
    startSandbox({ encode: false, gdc: true, gdcDictionary: dataPath('gdc', 'dictionary_all.json.gz') }),
    startPrivateRedis({ persistent: options.persistentRedis ?? false }),
  ]);
  const disks: string[] = [];
  const gateways: JobsGateway[] = [];
  const stopGateways = async () => {
    for (const g of gateways.splice(0)) {
      kill(g);
      await g.exited;
    }
  };
  return {
    sandbox,
    redis,
    async gateway(env = {}) {
      const disk = mkdtempSync(path.join(tmpdir(), `sg-${options.name}-`));
      disks.push(disk);
      const g = await startGatewayProcess({
        TMPDIR: disk,
        DATA_DIR: path.join(disk, 'data'),
        GDC_URL: sandbox.gdc!.url,
        ENCODE_URL: sandbox.gdc!.url,
        GDC_TOKEN: sandbox.gdc!.token,
        REDIS_URL: redis.url,
        JOBS_ENCRYPTION_KEY: options.encryptionKey,
        ACCESS_LOG: 'off',
        ...env,
      });
      gateways.push(g);
      return g;
    },
    stopGateways,
    async stop() {
      await stopGateways();
      await Promise.all([redis.stop(), sandbox.stop()]);
      for (const d of disks) rmSync(d, { recursive: true, force: true });
    },
  };
}
