import { createHash } from 'node:crypto';
import { attachmentType } from '../../rules/encode/attachments';
import { validationFailure } from './errors';
import type { Json } from './profiles';

export interface StoredAttachment {
  type: string;
  data: Buffer;
}

/**
 * encoded's attachment handling (`attachment: true` properties): the client sends
 * `{download, type, href: "data:<type>;base64,…"}`; the server checks the type against the file
 * name, keeps the bytes, and stores `href: "@@download/<property>/<name>"` with md5sum and size.
 */
export function processAttachments(schema: Json, record: Json, keep: (property: string, name: string, file: StoredAttachment) => void): Json {
  const out = { ...record };
  for (const [prop, def] of Object.entries((schema.properties ?? {}) as Json)) {
    const value = out[prop];
    if (!def.attachment || !value || typeof value !== 'object' || typeof value.href !== 'string') continue;
    if (value.href.startsWith('@@download/')) continue; // unchanged, as a PATCH or PUT sends it back
    const m = /^data:([^;,]*)(?:;charset=[^;,]*)?(;base64)?,(.*)$/s.exec(value.href);
    if (!m) throw validationFailure([{ location: 'body', name: [prop, 'href'], description: 'Expected data URI.' }]);
    const data = m[2] ? Buffer.from(m[3], 'base64') : Buffer.from(decodeURIComponent(m[3]));
    const name = String(value.download ?? prop);
    const declared = m[1] || value.type;
    const byName = attachmentType(name);
    if (byName && declared && byName !== declared) {
      throw validationFailure([{ location: 'body', name: [prop, 'href'], description: `Wrong file type: ${name} is ${byName}, the data URI says ${declared}` }]);
    }
    keep(prop, name, { type: declared ?? byName ?? 'application/octet-stream', data });
    out[prop] = {
      ...value,
      type: declared,
      href: `@@download/${prop}/${encodeURIComponent(name)}`,
      md5sum: createHash('md5').update(data).digest('hex'),
      size: data.length,
    };
  }
  return out;
}
