import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What is remembered of an unfinished multipart upload: enough to resume it (as gdc-client's resume file). */
export interface SavedUpload {
  uploadId: string;
  partBytes: number;
}

/**
 * An unfinished multipart upload of one data file: GDC's files endpoint cannot list the uploads in
 * progress, so without this a new try could not find the parts already sent (the parts themselves
 * are listed from GDC when resuming; only the upload id and the part size are kept here).
 */
export interface UploadState {
  load(): Promise<SavedUpload | null>;
  save(saved: SavedUpload): Promise<void>;
  clear(): Promise<void>;
}

/** Where resume state is kept: this instance's disk, or Redis shared by every instance (REDIS_URL). */
export interface UploadStates {
  /** `project` is PROGRAM-PROJECT, `id` the data file entity's id. */
  of(project: string, id: string): UploadState;
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

/** On this instance's disk: the default, for one instance (an upload resumes through the same one). */
export class DiskUploadStates implements UploadStates {
  constructor(private readonly dir: string) {}

  of(project: string, id: string): UploadState {
    return new DiskUploadState(path.join(this.dir, `${project}.${id}.json`.replace(/[^A-Za-z0-9._-]/g, '_')));
  }
}

class DiskUploadState implements UploadState {
  constructor(private readonly file: string) {}

  async load(): Promise<SavedUpload | null> {
    return parseSaved(await readFile(this.file, 'utf8').catch(() => null));
  }

  async save(saved: SavedUpload): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFile(this.file, JSON.stringify(saved));
  }

  async clear(): Promise<void> {
    await rm(this.file, { force: true });
  }
}
