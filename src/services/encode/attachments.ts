import { Upload } from 'graphql-upload-minimal';
import { attachmentObject, attachmentType } from '../../rules/encode/attachments';
import { readUpload } from '../submission-document';
import { type FileAccess, readUnderRoot } from './local-files';

/**
 * encode_utils' attachment shortcut: an attachment property given as `{"path": …}` (read under
 * UPLOAD_ROOT only) or as an uploaded file (an `Upload` in the GraphQL variables) becomes
 * `{download, type, href: "data:<type>;base64,…"}`. Anything else is sent as it is. Throws with
 * the reason when the file cannot be used.
 */
export async function expandAttachment(value: unknown, access: FileAccess): Promise<unknown> {
  if (value instanceof Upload) {
    const { filename, bytes } = await readUpload(value.promise, access.maxBytes);
    return attachmentObject(filename, typeOf(filename), bytes);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'path') return value;
  const name = (value as { path: unknown }).path;
  if (typeof name !== 'string' || !name) throw new Error('the path of an attachment must be a file name');
  const { file, bytes } = await readUnderRoot(name, access);
  return attachmentObject(file, typeOf(file), bytes);
}

function typeOf(fileName: string): string {
  const type = attachmentType(fileName);
  if (!type) {
    throw new Error(`cannot tell the type of '${fileName}' from its extension; attachments are .pdf, .txt, .tsv, .json, .html, .png, .jpg, .gif, .tif, .svs or .as files`);
  }
  return type;
}
