import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { UsageError } from '../errors';

/** One data file of an upload manifest (what GDC's `/manifest` and `gdcManifest` write, as gdc-client reads it). */
export interface ManifestFile {
  id: string;
  project_id?: string;
  file_name?: string;
  local_file_path?: string;
  md5sum?: string;
  file_size?: number;
  [key: string]: unknown;
}

/** The `files:` of a manifest; a usage error naming the file and entry when it is not one. */
export function readManifest(file: string): ManifestFile[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`-m ${file} cannot be read: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (err) {
    throw new UsageError(`-m ${file} is not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const files = (doc as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) throw new UsageError(`-m ${file}: a manifest has a "files:" list (as the GDC /manifest endpoint writes it)`);
  return files.map((entry, i) => {
    if (!entry || typeof entry !== 'object' || typeof (entry as ManifestFile).id !== 'string' || !(entry as ManifestFile).id) {
      throw new UsageError(`-m ${file}: files[${i}] has no "id" (the data file entity's UUID)`);
    }
    return entry as ManifestFile;
  });
}

/**
 * Where a manifest entry's bytes are, in gdc-client's order: --path with file_name, then
 * local_file_path, then file_name in the working directory. Null when none exists.
 */
export function localPath(entry: ManifestFile, dir: string | undefined): string | null {
  const candidates = [
    dir && entry.file_name ? path.join(dir, entry.file_name) : null,
    entry.local_file_path ?? null,
    entry.file_name ?? null,
  ];
  return candidates.find((c): c is string => !!c && fs.existsSync(c) && fs.statSync(c).isFile()) ?? null;
}

/** gdc-client's resume file: `resume_<manifest>` beside the manifest. */
export function resumePath(manifest: string): string {
  return path.join(path.dirname(manifest), `resume_${path.basename(manifest)}`);
}

/** The entries still to do, as a manifest of their own (so `-m resume_…` works too); removed when none is left. */
export function writeResume(file: string, remaining: ManifestFile[]): void {
  if (!remaining.length) return void fs.rmSync(file, { force: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, yaml.dump({ files: remaining }));
  fs.renameSync(tmp, file);
}
