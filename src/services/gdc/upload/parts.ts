import type { Readable } from 'node:stream';

/**
 * A stream cut into parts of exactly `partBytes` (the last one shorter), each in a buffer of its
 * own, read as the consumer asks: memory holds the parts the consumer keeps, never the file.
 * `onChunk` sees every chunk in order (for the md5 and size of the whole file) and may throw to stop.
 */
export async function* fileParts(stream: Readable, partBytes: number, onChunk: (chunk: Buffer) => void): AsyncGenerator<Buffer> {
  let part = Buffer.allocUnsafe(partBytes);
  let filled = 0;
  // Stopping early must not destroy the stream: the rest is drained so the caller gets its answer.
  for await (const data of stream.iterator({ destroyOnReturn: false })) {
    const chunk = data as Buffer;
    onChunk(chunk);
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(partBytes - filled, chunk.length - offset);
      chunk.copy(part, filled, offset, offset + n);
      filled += n;
      offset += n;
      if (filled === partBytes) {
        yield part;
        part = Buffer.allocUnsafe(partBytes);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield part.subarray(0, filled);
}
