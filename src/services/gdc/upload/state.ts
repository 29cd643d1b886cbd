import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What is remembered of an unfinished multipart upload: enough to resume it (as gdc-client's resume file). */
export interface SavedUpload {
  uploadId: string;
  partBytes: number;
}

/**
 * An unfinished multipart upload of one data file, remembered on disk: GDC's files endpoint cannot
 * list the uploads in progress, so without this a new try could not find the parts already sent.
 */
export class UploadState {
  private readonly file: string;

  constructor(dir: string, projectId: string, id: string) {
    this.file = path.join(dir, `${projectId}.${id}.json`.replace(/[^A-Za-z0-9._-]/g, '_'));
  }

  async load(): Promise<SavedUpload | null> {
    try {
      const saved = JSON.parse(await readFile(this.file, 'utf8')) as SavedUpload;
      return typeof saved.uploadId === 'string' && Number.isInteger(saved.partBytes) ? saved : null;
    } catch {
      return null;
    }
  }

  async save(saved: SavedUpload): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFile(this.file, JSON.stringify(saved));
  }

  async clear(): Promise<void> {
    await rm(this.file, { force: true });
  }
}
