import path from 'node:path';

/** The MIME type of a file name, for the types ENCODE's attachment enum allows (and gzip, which the portal detects). */
const TYPE_BY_EXTENSION: Record<string, string> = {
  '.json': 'application/json', '.pdf': 'application/pdf', '.gif': 'image/gif', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
  '.png': 'image/png', '.svs': 'image/svs', '.tif': 'image/tiff', '.tiff': 'image/tiff', '.as': 'text/autosql', '.html': 'text/html',
  '.htm': 'text/html', '.txt': 'text/plain', '.tsv': 'text/tab-separated-values', '.gz': 'application/gzip',
};

export function attachmentType(fileName: string): string | undefined {
  return TYPE_BY_EXTENSION[path.extname(fileName).toLowerCase()];
}

/** The attachment object the portal takes: `{download, type, href: "data:<type>;base64,…"}`. */
export function attachmentObject(fileName: string, type: string, bytes: Buffer): { download: string; type: string; href: string } {
  return { download: path.basename(fileName), type, href: `data:${type};base64,${bytes.toString('base64')}` };
}

const attachmentsOf = new WeakMap<object, string[]>();

/** Properties of a profile that hold attachments (`attachment: true`). */
export function attachmentProperties(profile: { properties?: Record<string, Record<string, unknown>> }): string[] {
  let names = attachmentsOf.get(profile);
  if (!names) {
    names = Object.entries(profile.properties ?? {}).flatMap(([name, def]) => (def.attachment ? [name] : []));
    attachmentsOf.set(profile, names);
  }
  return names;
}
