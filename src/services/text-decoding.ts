import { isUtf8 } from 'node:buffer';
import { badInput } from './documents';

/**
 * The text of an uploaded document, decoded by its byte-order mark: UTF-8 (with or without BOM),
 * UTF-16LE or UTF-16BE. Bytes that are not UTF-8 are refused with their offset instead of being
 * silently replaced (Latin-1 `Café` would become `Caf\uFFFD`).
 */
export function decodeDocument(bytes: Buffer, name: string, argument = 'file'): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return utf16(bytes.subarray(2), 'utf-16le', name, argument);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return utf16(bytes.subarray(2), 'utf-16be', name, argument);
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  if (isUtf8(body)) return body.toString('utf8');
  const offset = invalidUtf8Offset(body) + (body === bytes ? 0 : 3);
  throw badInput(
    `The ${argument} '${name}' is not valid UTF-8: byte ${offset} is 0x${bytes[offset].toString(16).toUpperCase().padStart(2, '0')}. ` +
      'Save it as UTF-8 (or UTF-16 with a byte-order mark)',
    argument,
  );
}

function utf16(bytes: Buffer, encoding: 'utf-16le' | 'utf-16be', name: string, argument: string): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw badInput(`The ${argument} '${name}' starts with a ${encoding.toUpperCase()} byte-order mark but is not valid ${encoding.toUpperCase()}`, argument);
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    if (length > 1 && !validSequence(bytes.subarray(i, i + length), length)) return i;
    i += length;
  }
  return bytes.length;
}

/** One multi-byte sequence: right continuation bytes, no overlong form, no surrogate, at most U+10FFFF. */
function validSequence(seq: Uint8Array, length: number): boolean {
  if (seq.length < length) return false;
  for (let k = 1; k < length; k++) if ((seq[k] & 0xc0) !== 0x80) return false;
  const [b0, b1] = seq;
  if (b0 === 0xe0 && b1 < 0xa0) return false;
  if (b0 === 0xed && b1 > 0x9f) return false;
  if (b0 === 0xf0 && b1 < 0x90) return false;
  if (b0 === 0xf4 && b1 > 0x8f) return false;
  return true;
}
