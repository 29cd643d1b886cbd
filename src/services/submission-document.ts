import type { FileUpload } from 'graphql-upload-minimal';
import type { CreateEntitiesInput } from '../generated/resolvers-types';
import { recordUploadBytes } from '../metrics';
import { badInput, detectFormat, type DocumentFormat } from './documents';
import { decodeDocument } from './text-decoding';

export interface SubmissionDocument {
  format: DocumentFormat;
  /** The document as text (from `document` or `file`), or null when `entities` were given. */
  text: string | null;
  entities: Record<string, unknown>[] | null;
  /** The uploaded file's name, sent to GDC as the document name. */
  filename: string | null;
}

/** Reads an upload fully, refusing one that is too large instead of using a truncated copy. */
export async function readUpload(upload: Promise<FileUpload>, maxBytes: number, source = 'unknown'): Promise<{ text: string; filename: string; bytes: Buffer }> {
  const file = await upload;
  const stream = file.createReadStream();
  const chunks: Buffer[] = [];
  let size = 0;
  const tooLarge = () => badInput(`The file '${file.filename}' is larger than the ${maxBytes}-byte limit (MAX_UPLOAD_BYTES=${maxBytes})`, 'file');
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        stream.destroy();
        break;
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    // graphql-upload-minimal fails the stream when the file passes its maxFileSize.
    if (/truncated|exceeds/i.test((err as Error).message)) throw tooLarge();
    throw err;
  }
  // graphql-upload-minimal stops a file at maxFileSize silently; busboy flags the stream as truncated.
  if (size > maxBytes || (stream as unknown as { truncated?: boolean }).truncated) {
    throw tooLarge();
  }
  recordUploadBytes(source, size);
  const bytes = Buffer.concat(chunks);
  return { text: decodeDocument(bytes, file.filename), filename: file.filename, bytes };
}

/** Exactly one of entities, document, file; normalized to one shape. */
export async function readSubmissionInput(
  input: Pick<CreateEntitiesInput, 'entities' | 'document' | 'file' | 'format' | 'source'>,
  maxBytes: number,
): Promise<SubmissionDocument> {
  const given = [input.entities != null, input.document != null, input.file != null].filter(Boolean).length;
  if (given !== 1) throw badInput('Give exactly one of entities, document or file', 'input');
  const format = input.format ? (input.format.toLowerCase() as DocumentFormat) : null;
  if (input.entities) {
    if (!input.entities.length) throw badInput('entities is empty: nothing to submit', 'entities');
    input.entities.forEach((e, i) => {
      if (!e || typeof e !== 'object' || Array.isArray(e)) throw badInput(`entities[${i}] must be a JSON object`, 'entities');
    });
    return { format: 'json', text: null, entities: input.entities as Record<string, unknown>[], filename: null };
  }
  const { text, filename } = input.file
    ? await readUpload(input.file, maxBytes, input.source)
    : { text: input.document as string, filename: null };
  if (!text.trim()) throw badInput(`The ${input.file ? 'file' : 'document'} is empty: nothing to submit`, input.file ? 'file' : 'document');
  return { format: detectFormat(text, filename, format), text, entities: null, filename };
}
