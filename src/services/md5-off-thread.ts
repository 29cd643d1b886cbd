import { Worker } from 'node:worker_threads';

/**
 * The md5 of an upload's bytes, computed on a worker thread. On the event loop it was the largest
 * share of an upload's CPU (~3 s per GiB here), and other callers waited behind it: during a 1 GiB
 * upload their p99 was 65 ms, 37 ms with the hash on a worker (`npm run bench -- upload`). The
 * bytes are copied into blocks handed over whole (transferred, not copied again) and handed back
 * once hashed; at most MAX_BLOCKS_IN_FLIGHT blocks (2 MiB) per hash wait for the worker, after which
 * update() asks the caller to wait, so a slow worker holds the upload back rather than memory growing.
 */
const BLOCK_BYTES = 256 * 1024;
const MAX_BLOCKS_IN_FLIGHT = 8;

/** Plain JavaScript, evaluated: the same code whether the gateway runs from dist/ or through tsx/ts-jest. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', ({ id, block, length, end }) => {
  let hash = hashes.get(id);
  if (!hash) hashes.set(id, (hash = createHash('md5')));
  if (block) hash.update(new Uint8Array(block, 0, length));
  if (end) {
    hashes.delete(id);
    parentPort.postMessage({ id, md5: hash.digest('hex') });
  } else {
    // The block goes back, to be filled again: no garbage for either thread's collector.
    parentPort.postMessage({ id, block }, block ? [block] : []);
  }
});
`;

interface Pending {
  /** A block was hashed: handed back. */
  hashed(block: ArrayBuffer | null): void;
  /** The digest, once every block was hashed. */
  digested(md5: string): void;
  failed(err: Error): void;
}

/** A worker with no hash to compute stops after this long; the next hash starts another (~30 ms). */
const IDLE_MS = 2_000;

/** One worker for the process, started on first use; a new one after a failure or a pause. */
class HashWorker {
  readonly worker = new Worker(WORKER_SOURCE, { eval: true });
  private readonly pending = new Map<number, Pending>();
  private idle: NodeJS.Timeout | null = null;

  constructor() {
    // Not what keeps a process alive (where unref holds: not in every test runner, hence the idle stop).
    this.worker.unref();
    this.worker.on('message', (m: { id: number; block?: ArrayBuffer | null; md5?: string }) => {
      const p = this.pending.get(m.id);
      if (m.md5 === undefined) return p?.hashed(m.block ?? null);
      this.remove(m.id);
      p?.digested(m.md5);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the md5 worker thread stopped (exit code ${code})`)));
  }

  add(id: number, p: Pending): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    this.pending.set(id, p);
  }

  remove(id: number): void {
    this.pending.delete(id);
    if (this.pending.size || this.idle) return;
    this.idle = setTimeout(() => this.stopIfIdle(), IDLE_MS);
    this.idle.unref();
  }

  /** Stops the worker unless a hash is under way (a gateway stopping, or IDLE_MS without a hash). */
  stopIfIdle(): Promise<void> {
    if (this.pending.size) return Promise.resolve();
    if (this.idle) clearTimeout(this.idle);
    if (current === this) current = null;
    return this.worker.terminate().then(() => undefined);
  }

  private fail(err: Error): void {
    if (current === this) current = null;
    if (this.idle) clearTimeout(this.idle);
    for (const p of this.pending.values()) p.failed(err);
    this.pending.clear();
  }
}

let current: HashWorker | null = null;
let nextId = 1;

/** A gateway that stops ends the worker at once when no hash is under way (another gateway in the process may have one). */
export function stopIdleMd5Worker(): Promise<void> {
  return current?.stopIfIdle() ?? Promise.resolve();
}

export class Md5OffThread {
  private readonly id = nextId++;
  /** Taken on the first byte: a meter made for an upload refused before its bytes costs nothing. */
  private block: Buffer | null = null;
  /** Blocks the worker handed back, to be filled again. */
  private readonly free: Buffer[] = [];
  private filled = 0;
  private inFlight = 0;
  private waiter: { resolve(): void; reject(err: Error): void } | null = null;
  private result: { resolve(md5: string): void; reject(err: Error): void } | null = null;
  private error: Error | null = null;
  private readonly owner = (current ??= new HashWorker());

  constructor() {
    this.owner.add(this.id, {
      hashed: (block) => {
        this.inFlight--;
        if (block) this.free.push(Buffer.from(block));
        if (this.inFlight > MAX_BLOCKS_IN_FLIGHT) return;
        const w = this.waiter;
        this.waiter = null;
        w?.resolve();
      },
      digested: (md5) => this.result?.resolve(md5),
      failed: (err) => {
        this.error = err;
        this.waiter?.reject(err);
        this.result?.reject(err);
      },
    });
  }

  /** Adds bytes (copied: the caller may reuse the chunk). A promise: wait for it before the next update. */
  update(chunk: Buffer): Promise<void> | null {
    if (this.error) return Promise.reject(this.error);
    let offset = 0;
    while (offset < chunk.length) {
      this.block ??= this.free.pop() ?? Buffer.allocUnsafeSlow(BLOCK_BYTES);
      const n = Math.min(BLOCK_BYTES - this.filled, chunk.length - offset);
      chunk.copy(this.block, this.filled, offset, offset + n);
      this.filled += n;
      offset += n;
      if (this.filled === BLOCK_BYTES) this.send(false);
    }
    if (this.inFlight <= MAX_BLOCKS_IN_FLIGHT) return null;
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** The hex md5 of every byte given; the hash cannot be used after. */
  digest(): Promise<string> {
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      this.result = { resolve, reject };
      this.send(true);
    });
  }

  /** Gives up the hash (an upload that failed): the worker forgets it once its blocks are hashed. */
  discard(): void {
    if (this.result || this.error) return;
    this.result = { resolve: () => undefined, reject: () => undefined };
    this.owner.remove(this.id);
    this.filled = 0;
    this.send(true);
  }

  private send(end: boolean): void {
    // allocUnsafeSlow: a buffer of its own (never a slice of the shared pool), so it can be handed over whole.
    const block = this.filled && this.block ? (this.block.buffer as ArrayBuffer) : null;
    const length = this.filled;
    if (block) {
      this.inFlight++;
      this.block = null;
      this.filled = 0;
    }
    this.owner.worker.postMessage({ id: this.id, block, length, end }, block ? [block] : []);
  }
}
