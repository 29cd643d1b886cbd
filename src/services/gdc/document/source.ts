import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileUpload } from 'graphql-upload-minimal';
import type { GdcDocumentFormat } from '../../../datasources/gdc/models';
import { badInput, detectFormat } from '../../documents';
import { recordUploadBytes } from '../../../metrics';
import { DocumentDecoder } from './decode';

/**
 * A submission document that can be read as many times as the work needs (scan for rows, send,
 * split into chunks, look up after a lost answer) without ever being one string: in memory when it
 * came inside the GraphQL request, else spooled to a temporary file as it arrives.
 */
export interface GdcDocument {
  format: GdcDocumentFormat;
  /** The uploaded file's name, sent to GDC as the document name. */
  filename: string | null;
  bytes: number;
  /** A fresh stream over the whole document. */
  open(): Readable;
  /** Removes the spooled copy, if any. */
  dispose(): Promise<void>;
}

export function memoryDocument(content: string | Buffer, format: GdcDocumentFormat, filename: string | null = null): GdcDocument {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return {
    format,
    filename,
    bytes: bytes.length,
    // Pieces of 64 KiB, like a file stream, so consumers see the same shape either way.
    open: () => Readable.from(pieces(bytes), { objectMode: false }),
    dispose: async () => undefined,
  };
}

/**
 * A turn of the event loop between pieces, as a file stream's pieces come from I/O: from memory
 * they would follow one another as microtasks, and every reader (column count, header, rows,
 * csv-parse, the upload) would go through a wide document in one piece (a 1.3 MB header of
 * 100,000 columns: hundreds of ms that other callers waited out).
 */
async function* pieces(bytes: Buffer, size = 64 * 1024): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    yield bytes.subarray(i, i + size);
  }
}

/** How much of a file is looked at to guess its format when the caller did not name it. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Writes an upload to a temporary file as it arrives (memory stays at a few stream buffers),
 * refusing one larger than `maxBytes` instead of keeping a truncated copy.
 */
export async function spoolUpload(upload: Promise<FileUpload>, maxBytes: number, given: GdcDocumentFormat | null): Promise<GdcDocument> {
  const { file, head, ...spooled } = await spool(upload, maxBytes, true);
  const format = detectFormat(head.toString('utf8'), file.filename, given);
  return { format, filename: file.filename, ...spooled };
}

/**
 * An upload written to a temporary file as it arrives, with its first bytes for a look at the
 * format. With `decode`, the text is checked and stored as UTF-8 on the way (see DocumentDecoder).
 */
export async function spool(
  upload: Promise<FileUpload>,
  maxBytes: number,
  decode = false,
): Promise<{ file: FileUpload; head: Buffer; bytes: number; open(): Readable; dispose(): Promise<void> }> {
  const file = await upload;
  const dir = await mkdtemp(path.join(tmpdir(), 'gdc-document-'));
  const target = path.join(dir, 'document');
  const dispose = () => rm(dir, { recursive: true, force: true });
  const source = file.createReadStream();
  const decoder = decode ? new DocumentDecoder(file.filename) : null;
  let size = 0;
  let stored = 0;
  const head: Buffer[] = [];
  let headSize = 0;
  try {
    await pipeline(
      source,
      async function* (chunks: AsyncIterable<Buffer>) {
        const keep = (chunk: Buffer) => {
          stored += chunk.length;
          if (headSize < SNIFF_BYTES) {
            head.push(chunk.subarray(0, SNIFF_BYTES - headSize));
            headSize += Math.min(chunk.length, SNIFF_BYTES - headSize);
          }
          return chunk;
        };
        for await (const raw of chunks) {
          size += raw.length;
          if (size > maxBytes) throw tooLarge(file.filename, maxBytes);
          const chunk = decoder ? decoder.push(raw) : raw;
          if (chunk.length) yield keep(chunk);
        }
        const rest = decoder?.end();
        if (rest?.length) yield keep(rest);
      },
      createWriteStream(target),
    );
    // graphql-upload-minimal stops a file at maxFileSize silently; busboy flags the stream as truncated.
    if ((source as unknown as { truncated?: boolean }).truncated) throw tooLarge(file.filename, maxBytes);
    if (size === 0) throw badInput(`The file '${file.filename}' is empty: nothing to submit`, 'file');
    recordUploadBytes('GDC', size);
  } catch (err) {
    await dispose();
    throw err;
  }
  return { file, head: Buffer.concat(head), bytes: stored, open: () => createReadStream(target), dispose };
}

function tooLarge(filename: string, maxBytes: number) {
  return badInput(`The file '${filename}' is larger than the ${maxBytes}-byte limit (MAX_UPLOAD_BYTES)`, 'file');
}
