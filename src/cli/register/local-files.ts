import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A data file named in `submitted_file_name` and found on this machine. */
export interface LocalFile {
  path: string;
  size: number;
  md5: string;
}

/** Remote sources eu_register accepts; the CLI leaves them to the gateway. */
export function isRemote(name: string): boolean {
  return /^(s3|gs):\/\//i.test(name);
}

/** The file's md5 and size, read once in 1 MiB chunks; `onBytes` is told as it goes. */
export async function measureFile(file: string, onBytes?: (n: number) => void): Promise<LocalFile> {
  const hash = createHash('md5');
  let size = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
    onBytes?.((chunk as Buffer).length);
  }
  return { path: file, size, md5: hash.digest('hex') };
}

/** A local path as eu_register takes it: absolute, or relative to the working directory. */
export function resolveLocal(name: string, cwd = process.cwd()): string {
  return path.resolve(cwd, name);
}

/** The stat of a regular file, or why there is none. */
export function statFile(file: string): { size: number } | { error: string } {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? { size: stat.size } : { error: `${file} is not a file` };
  } catch (err) {
    return { error: (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${file} does not exist` : (err as Error).message };
  }
}
