import type { FileUpload } from 'graphql-upload-minimal';
import { limitError } from '../apollo/limits';

/**
 * Data file uploads under way in this process, at most MAX_CONCURRENT_UPLOADS: each holds its
 * parts in flight in memory (part size × (parallel parts + 1), about 56 MiB by default), so their
 * number, not the files' sizes, is what bounds the gateway's memory.
 */
export class UploadSlots {
  private used = 0;

  constructor(readonly max: number) {}

  get inUse(): number {
    return this.used;
  }

  /** A slot, given back by the returned function (once), or null when every slot is taken. */
  take(): (() => void) | null {
    if (this.used >= this.max) return null;
    this.used++;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.used--;
    };
  }
}

/**
 * Runs one upload in a slot. With none free it is refused at once (LIMIT_EXCEEDED, naming
 * MAX_CONCURRENT_UPLOADS) rather than queued: a queued upload would hold its caller's connection
 * with nothing moving, and the caller can send it again. The refused file's bytes are drained so
 * the caller gets the answer.
 */
export async function inUploadSlot<T>(slots: UploadSlots, file: Promise<FileUpload> | null, run: () => Promise<T>): Promise<T> {
  const give = slots.take();
  if (!give) {
    if (file) void file.then((upload) => upload.createReadStream().on('error', () => undefined).resume(), () => undefined);
    throw limitError('MAX_CONCURRENT_UPLOADS', slots.max, `${slots.max} data file upload(s) are under way, as many as this gateway takes at once; send this one again when one has finished`);
  }
  try {
    return await run();
  } finally {
    give();
  }
}
