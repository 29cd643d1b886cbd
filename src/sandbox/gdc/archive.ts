import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

export interface ArchiveEntry {
  name: string;
  content: string;
}

/** A `.tar.gz` of small text files, as sheepdog builds its template and export archives. */
export async function tarGz(entries: ArchiveEntry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    archive.on('data', (chunk: unknown) => void chunks.push(chunk as Buffer));
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const entry of entries) archive.entry({ name: entry.name, mtime: new Date() }, Buffer.from(entry.content, 'utf8'));
  archive.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}
