/**
 * The schema the gateway serves, kept in step with the upstreams' own schemas. Every
 * `refreshSeconds` it re-reads the ENCODE profiles and the GDC dictionary; when either changed it
 * builds a new executable schema and swaps it in. Apollo Server learns of it the way it learns of
 * a federated gateway's new supergraph (`onSchemaLoadOrUpdate`): each request takes the schema
 * that is live when it starts and keeps it to its end, so a swap fails nothing in flight.
 */
import type { GatewayInterface, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import type { Logger } from 'pino';
import { type BuiltGraph, buildGraph, type StaticSchema } from './build';
import type { SourceReader } from './sources';
import { gdcFingerprint, profilesFingerprint } from './version';

export interface LiveGraphOptions {
  read: SourceReader;
  base: StaticSchema;
  /** 0 = never refresh. */
  refreshSeconds: number;
  /** How soon to try again while a part of the graph is missing (an upstream was down). */
  retrySeconds?: number;
  logger?: Logger;
}

export class LiveGraph {
  private built!: BuiltGraph;
  private readonly listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<boolean> | null = null;
  private queued: Promise<boolean> | null = null;
  private stopped = false;

  constructor(private readonly options: LiveGraphOptions) {}

  static async start(options: LiveGraphOptions): Promise<LiveGraph> {
    const graph = new LiveGraph(options);
    graph.built = buildGraph(await options.read(), options.base);
    graph.logProblems();
    graph.schedule();
    return graph;
  }

  get current(): BuiltGraph {
    return this.built;
  }

  /**
   * Re-reads the upstream schemas and swaps the schema if they changed. Only their fingerprints
   * are kept between reads (the real dictionary alone is some 12 MB parsed), so while an upstream
   * whose part the graph has cannot be read, nothing is swapped: an upstream hiccup never takes
   * types away, and a change of the other upstream is taken up on the next refresh that reads both.
   * True when swapped.
   */
  refresh(): Promise<boolean> {
    // A refresh already under way may have read the upstream before this call: queue one more
    // (one at most; later callers share it), so the answer always reflects a read after the call.
    if (this.queued) return this.queued;
    if (!this.running) return this.run();
    this.queued = this.running
      .catch(() => false)
      .then(() => {
        this.queued = null;
        return this.run();
      });
    return this.queued;
  }

  private run(): Promise<boolean> {
    const running = this.doRefresh().finally(() => {
      if (this.running === running) this.running = null;
    });
    this.running = running;
    return running;
  }

  private async doRefresh(): Promise<boolean> {
    const live = this.built.version;
    let fresh = await this.options.read({ gdcDictionary: live.gdcDictionary });
    for (const problem of fresh.problems) this.options.logger?.warn({ problem }, 'upstream schema not read; the current schema stays live');
    // Served as the live graph has it, so not parsed again (see readDictionaryDocument).
    const gdcUnparsed = fresh.gdcDictionary === null && fresh.gdcDictionaryHash != null && fresh.gdcDictionaryHash === live.gdcDictionary;
    const lost = (fresh.encodeProfiles === null && live.encodeProfiles !== null) || (fresh.gdcDictionary === null && !gdcUnparsed && live.gdcDictionary !== null);
    const sameProfiles = fresh.encodeProfiles === null ? live.encodeProfiles === null : profilesFingerprint(fresh.encodeProfiles) === live.encodeProfiles;
    const sameDictionary = gdcUnparsed || (fresh.gdcDictionary === null ? live.gdcDictionary === null : gdcFingerprint(fresh) === live.gdcDictionary);
    if (this.stopped || lost || (sameProfiles && sameDictionary)) return false;
    // The profiles changed but the dictionary did not: the new graph needs the dictionary's document.
    if (gdcUnparsed) fresh = await this.options.read();
    if (this.stopped || (live.gdcDictionary !== null && fresh.gdcDictionary === null)) return false;
    const built = buildGraph(fresh, this.options.base);
    if (this.stopped) return false;
    this.built = built;
    this.options.logger?.info({ schemaVersion: built.version.id }, 'typed graph regenerated from changed upstream schemas');
    this.logProblems();
    for (const listener of this.listeners) listener({ apiSchema: built.schema, coreSupergraphSdl: '' });
    return true;
  }

  private logProblems(): void {
    for (const problem of this.built.version.problems) this.options.logger?.warn({ problem }, 'typed graph built without an upstream schema');
  }

  private schedule(): void {
    if (this.stopped) return;
    const { refreshSeconds, retrySeconds = 30 } = this.options;
    const missing = this.built.version.problems.length > 0;
    const seconds = missing && (refreshSeconds === 0 || retrySeconds < refreshSeconds) ? retrySeconds : refreshSeconds;
    if (!seconds) return;
    this.timer = setTimeout(() => {
      this.refresh()
        .catch((err) => this.options.logger?.error({ err }, 'typed graph refresh failed; the current schema stays live'))
        .finally(() => this.schedule());
    }, seconds * 1000);
    this.timer.unref();
  }

  /** What Apollo Server takes as `gateway`: it hands over the schema now and on every swap. */
  apolloGateway(): GatewayInterface {
    return {
      onSchemaLoadOrUpdate: (callback) => {
        this.listeners.add(callback);
        return () => this.listeners.delete(callback);
      },
      load: async () => {
        for (const listener of this.listeners) listener({ apiSchema: this.built.schema, coreSupergraphSdl: '' });
        // No executor: Apollo executes against the schema it was given, as in schema mode.
        return { executor: null };
      },
      stop: async () => this.stop(),
    };
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
