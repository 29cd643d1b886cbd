import { Worker } from 'node:worker_threads';

/**
 * The md5 of an upload's bytes, computed on a worker thread. On the event loop it was the largest
 * share of an upload's CPU (~3 s per GiB here), and other callers waited behind it: during a 1 GiB
 * upload their p99 was 65 ms, 37 ms with the hash on a worker (`npm run bench -- upload`). The
 * bytes are copied into blocks of shared memory, each shown to the worker once; after that only a
 * block's number goes back and forth. Blocks transferred whole, as before, came back as new
 * ArrayBuffers, which V8 counts as new external memory (1 GiB per GiB uploaded, as much again as
 * the socket reads), and that count is what starts its full GCs (see npm start's
 * --heap-growing-percent in the README).
 * At most MAX_BLOCKS_IN_FLIGHT blocks (2 MiB) per hash wait for the worker, after which update()
 * asks the caller to wait, so a slow worker holds the upload back rather than memory growing.
 */
const BLOCK_BYTES = 256 * 1024;
const MAX_BLOCKS_IN_FLIGHT = 8;

/** Plain JavaScript, evaluated: the same code whether the gateway runs from dist/ or through tsx/ts-jest. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', ({ id, slot, shared, length, end }) => {
  let h = hashes.get(id);
  if (!h) hashes.set(id, (h = { hash: createHash('md5'), blocks: [] }));
  if (shared) h.blocks[slot] = new Uint8Array(shared);
  if (length) h.hash.update(h.blocks[slot].subarray(0, length));
  if (end) {
    hashes.delete(id);
    parentPort.postMessage({ id, md5: h.hash.digest('hex') });
  } else {
    // The block's number goes back: it is free to be filled again.
    parentPort.postMessage({ id, slot });
  }
});
`;

interface Pending {
  /** A block was hashed (its number): free to be filled again. */
  hashed(slot: number): void;
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
    this.worker.on('message', (m: { id: number; slot?: number; md5?: string }) => {
      const p = this.pending.get(m.id);
      if (m.md5 === undefined) return p?.hashed(m.slot ?? -1);
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
  /** Blocks of shared memory, by number; made on demand (the first byte: a meter made for an upload refused before its bytes costs nothing). */
  private readonly blocks: Buffer[] = [];
  /** Numbers of the blocks whose memory the worker has been shown. */
  private readonly shown = new Set<number>();
  /** Numbers of the blocks not with the worker, to be filled. */
  private readonly free: number[] = [];
  /** The block being filled (-1: none yet). */
  private slot = -1;
  private filled = 0;
  private inFlight = 0;
  private waiter: { resolve(): void; reject(err: Error): void } | null = null;
  private result: { resolve(md5: string): void; reject(err: Error): void } | null = null;
  private error: Error | null = null;
  private readonly owner = (current ??= new HashWorker());

  constructor() {
    this.owner.add(this.id, {
      hashed: (slot) => {
        this.inFlight--;
        if (slot >= 0) this.free.push(slot);
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
      if (this.slot < 0) this.slot = this.free.pop() ?? this.newBlock();
      const n = Math.min(BLOCK_BYTES - this.filled, chunk.length - offset);
      chunk.copy(this.blocks[this.slot], this.filled, offset, offset + n);
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

  /** A new block; the worker is shown its memory with the first bytes sent in it. */
  private newBlock(): number {
    this.blocks.push(Buffer.from(new SharedArrayBuffer(BLOCK_BYTES)));
    return this.blocks.length - 1;
  }

  private send(end: boolean): void {
    const slot = this.filled ? this.slot : -1;
    const length = this.filled;
    if (slot >= 0) {
      this.inFlight++;
      this.slot = -1;
      this.filled = 0;
    }
    // A block's memory goes once (first use: it was never sent); after that, only its number.
    const shared = slot >= 0 && !this.shown.has(slot) ? (this.shown.add(slot), this.blocks[slot].buffer) : undefined;
    this.owner.worker.postMessage({ id: this.id, slot, shared, length, end });
  }
}
