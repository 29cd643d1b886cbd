import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RememberedPart, RememberedUpload } from '../../datasources/s3/multipart';

/**
 * Where unfinished multipart uploads are remembered on this instance's disk (GDC's and ENCODE's):
 * the same machine's temporary folder survives a gateway restart, SIGKILL included.
 */
export const UPLOAD_STATE_DIR = path.join(tmpdir(), 'submission-gateway', 'upload-state');

/** What is remembered of an unfinished multipart upload: enough to resume it (as gdc-client's resume file). */
export type SavedUpload = RememberedUpload;
export type SavedPart = RememberedPart;

/** The archive an upload goes to: GDC (through its files endpoint) or ENCODE (straight to its S3 key). */
export type UploadSystem = 'GDC' | 'ENCODE';

/**
 * An unfinished multipart upload of one data file. GDC's files endpoint cannot list the uploads in
 * progress, and ENCODE's upload credentials allow neither ListMultipartUploads nor ListParts, so
 * without this a new try could not find the upload, nor (ENCODE) the parts already sent.
 */
export interface UploadState {
  load(): Promise<SavedUpload | null>;
  /** A new upload: replaces whatever was remembered, parts included. */
  save(saved: SavedUpload): Promise<void>;
  /** One more part S3 answered for the saved upload (appended: 10,000 parts never rewrite the whole). */
  savePart(part: SavedPart): Promise<void>;
  clear(): Promise<void>;
}

/** Where resume state is kept: this instance's disk, or Redis shared by every instance (REDIS_URL). */
export interface UploadStates {
  /** GDC: `scope` is PROGRAM-PROJECT, `id` the data file entity's id. ENCODE: `scope` is `file`, `id` the record's uuid. */
  of(system: UploadSystem, scope: string, id: string): UploadState;
}

export function parseSaved(text: string | null): SavedUpload | null {
  if (text === null) return null;
  try {
    const saved = JSON.parse(text) as SavedUpload;
    return typeof saved.uploadId === 'string' && Number.isInteger(saved.partBytes) ? saved : null;
  } catch {
    return null;
  }
}

export function parsePart(text: string): SavedPart | null {
  try {
    const p = JSON.parse(text) as SavedPart;
    return Number.isInteger(p.partNumber) && Number.isInteger(p.size) && typeof p.etag === 'string' ? p : null;
  } catch {
    return null;
  }
}

/** Parts in part-number order; a part sent twice counts with its last ETag. */
export function mergeParts(parts: Iterable<SavedPart>): SavedPart[] {
  const byNumber = new Map<number, SavedPart>();
  for (const p of parts) byNumber.set(p.partNumber, p);
  return [...byNumber.values()].sort((a, b) => a.partNumber - b.partNumber);
}

/** On this instance's disk: the default, for one instance (an upload resumes through the same one). */
export class DiskUploadStates implements UploadStates {
  constructor(private readonly dir: string) {}

  of(system: UploadSystem, scope: string, id: string): DiskUploadState {
    return new DiskUploadState(path.join(this.dir, `${system}.${scope}.${id}`.replace(/[^A-Za-z0-9._-]/g, '_')));
  }
}

/** `<name>.json` holds the upload, `<name>.parts` one JSON line per part S3 answered. */
export class DiskUploadState implements UploadState {
  constructor(private readonly base: string) {}

  async load(): Promise<SavedUpload | null> {
    const saved = parseSaved(await readFile(`${this.base}.json`, 'utf8').catch(() => null));
    if (!saved) return null;
    const parts = mergeParts([...(saved.parts ?? []), ...(await this.parts())]);
    return parts.length ? { ...saved, parts } : saved;
  }

  /** The parts file alone (a Redis-kept upload whose parts fell back to this disk reads them here). */
  async parts(): Promise<SavedPart[]> {
    const text = await readFile(`${this.base}.parts`, 'utf8').catch(() => '');
    // A line cut by a kill is skipped: that part is sent again.
    return text.split('\n').map(parsePart).filter((p): p is SavedPart => p !== null);
  }

  async save(saved: SavedUpload): Promise<void> {
    await mkdir(path.dirname(this.base), { recursive: true });
    await rm(`${this.base}.parts`, { force: true });
    await writeFile(`${this.base}.json`, JSON.stringify(saved));
  }

  async savePart(part: SavedPart): Promise<void> {
    await mkdir(path.dirname(this.base), { recursive: true });
    await appendFile(`${this.base}.parts`, `${JSON.stringify(part)}\n`);
  }

  async clear(): Promise<void> {
    await rm(`${this.base}.json`, { force: true });
    await rm(`${this.base}.parts`, { force: true });
  }
}
