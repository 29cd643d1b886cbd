import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export interface BodyRateOptions {
  /** BODY_MIN_BYTES_PER_SECOND; 0 = no rule. */
  minBytesPerSecond: number;
  /** BODY_RATE_WINDOW_MS: the rate is the bytes received over this window; the first check comes after one window. */
  windowMs: number;
}

interface Watched {
  req: IncomingMessage;
  socket: Socket;
  /** Stops watching this body. */
  stop(): void;
  /** socket.bytesRead at each tick the socket was flowing, newest last, at most one window's worth. */
  samples: number[];
}

/** How often the rule looks; a window holds windowMs / TICK_MS samples. */
const TICK_MS = 1_000;

/**
 * The minimum body rate (issue 18): a request body, an upload's included, that arrives slower than
 * `minBytesPerSecond` averaged over the last window has its connection closed. It replaces an idle
 * timer restarted by every byte, which a client trickling one byte at a time kept open forever
 * (20,000 such sockets exhausted the descriptors; 8 slow uploads held every upload slot).
 *
 * Time the gateway itself does not read counts for nothing: a socket paused because the gateway
 * applies backpressure (an upload waiting on S3 or on a free slot) is not the client's fault.
 * One timer for every body under way, not one per request.
 */
export class BodyRateRule {
  private readonly watched = new Set<Watched>();
  private timer: NodeJS.Timeout | null = null;
  private readonly samplesPerWindow: number;

  constructor(private readonly options: BodyRateOptions) {
    this.samplesPerWindow = Math.max(1, Math.round(options.windowMs / TICK_MS));
  }

  /** Watches the request's body until it has arrived (or the socket closes). */
  watch(req: IncomingMessage): void {
    if (this.options.minBytesPerSecond <= 0) return;
    const done = () => {
      req.off('end', done);
      req.off('close', done);
      req.socket.off('close', done);
      this.watched.delete(entry);
      if (!this.watched.size && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
    const entry: Watched = { req, socket: req.socket, samples: [req.socket.bytesRead], stop: done };
    this.watched.add(entry);
    req.once('end', done);
    req.once('close', done);
    req.socket.once('close', done);
    this.timer ??= setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  private tick(): void {
    const minBytes = this.options.minBytesPerSecond * this.samplesPerWindow * (TICK_MS / 1000);
    for (const entry of this.watched) {
      const { req, socket, samples } = entry;
      if (socket.destroyed) continue;
      // All of the body is in (the parser saw its end), though the handler may not have read it:
      // nothing more can arrive, so the client is not slow. Watched until the handler's 'end', a
      // small body (under the stream's 16 KiB, so the socket was never paused) that the handler
      // read only after waiting on something else for a window had its connection closed, with
      // no answer, however fast it had come.
      if (req.complete) {
        entry.stop();
        continue;
      }
      // Paused by the gateway (backpressure): this second is not counted against the client.
      if (socket.isPaused()) continue;
      samples.push(socket.bytesRead);
      if (samples.length > this.samplesPerWindow + 1) samples.shift();
      if (samples.length === this.samplesPerWindow + 1 && samples[samples.length - 1] - samples[0] < minBytes) socket.destroy();
    }
  }

  /** Bodies being watched now (tests). */
  get size(): number {
    return this.watched.size;
  }
}
