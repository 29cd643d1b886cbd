import fs from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';

/** Writes are gathered for this long, so a burst of requests costs one snapshot. */
const WRITE_DELAY_MS = 200;
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * An emulator's state on disk (SANDBOX_DATA_DIR): one JSON snapshot, rewritten after requests
 * that may have changed it and at stop. Each write goes to a temporary file that is flushed to
 * disk and then renamed over the old one, so a crash mid-write leaves the previous snapshot, never
 * a torn one. The emulator runs in its own process, so the synchronous write stalls no gateway.
 */
export class StateFile {
  private timer: NodeJS.Timeout | null = null;
  private dirty = false;

  constructor(
    readonly file: string,
    private readonly dump: () => unknown,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  }

  /** The last snapshot, or null when there is none yet. */
  read<T>(): T | null {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new Error(`${this.file} is not a sandbox snapshot (${(err as Error).message}): move it away to start empty`);
    }
  }

  /** Marks the state changed after every request that is not a read, once its answer is sent. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      if (!READS.has(req.method)) res.once('finish', () => this.changed());
      next();
    };
  }

  changed(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      try {
        this.flush();
      } catch (err) {
        // Kept dirty: the next change or the stop tries again; the emulator goes on serving.
        console.error(`sandbox state not saved to ${this.file}: ${(err as Error).message}`);
      }
    }, WRITE_DELAY_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.dirty) return;
    this.dirty = false;
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      const text = JSON.stringify(this.dump());
      const fd = fs.openSync(temp, 'w');
      try {
        fs.writeSync(fd, text);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temp, this.file);
    } catch (err) {
      fs.rmSync(temp, { force: true });
      this.dirty = true;
      throw err;
    }
  }
}
