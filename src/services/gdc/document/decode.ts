import { isUtf8 } from 'node:buffer';
import { badInput } from '../../documents';
import { invalidUtf8Offset } from '../../text-decoding';

/**
 * The streaming form of decodeDocument (services/text-decoding.ts), for documents spooled as they
 * arrive: a UTF-8 byte-order mark is dropped, UTF-16 (by its mark) becomes UTF-8, and bytes that
 * are not UTF-8 are refused with their offset, before anything is sent upstream.
 */
export class DocumentDecoder {
  private head: Buffer | null = Buffer.alloc(0);
  private utf16: TextDecoder | null = null;
  private encoding = '';
  /** Bytes of a UTF-8 sequence cut by the chunk boundary, kept for the next chunk. */
  private carry = Buffer.alloc(0);
  /** Offset in the file of carry[0] (for the error message). */
  private offset = 0;

  constructor(
    private readonly name: string,
    private readonly argument = 'file',
  ) {}

  push(chunk: Buffer): Buffer {
    if (this.head) {
      // The byte-order mark needs the first three bytes.
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < 3) return Buffer.alloc(0);
      chunk = this.start(this.head);
      this.head = null;
    }
    if (this.utf16) return this.fromUtf16(chunk, true);
    return this.utf8(chunk, false);
  }

  end(): Buffer {
    if (this.head) {
      const chunk = this.start(this.head);
      this.head = null;
      return this.utf16 ? Buffer.concat([this.fromUtf16(chunk, true), this.fromUtf16(Buffer.alloc(0), false)]) : this.utf8(chunk, true);
    }
    return this.utf16 ? this.fromUtf16(Buffer.alloc(0), false) : this.utf8(Buffer.alloc(0), true);
  }

  private start(bytes: Buffer): Buffer {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) this.encoding = 'utf-16le';
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) this.encoding = 'utf-16be';
    if (this.encoding) {
      this.utf16 = new TextDecoder(this.encoding, { fatal: true });
      return bytes.subarray(2);
    }
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      this.offset = 3;
      return bytes.subarray(3);
    }
    return bytes;
  }

  private fromUtf16(bytes: Buffer, stream: boolean): Buffer {
    try {
      return Buffer.from(this.utf16!.decode(bytes, { stream }), 'utf8');
    } catch {
      const mark = this.encoding.toUpperCase();
      throw badInput(`The ${this.argument} '${this.name}' starts with a ${mark} byte-order mark but is not valid ${mark}`, this.argument);
    }
  }

  private utf8(chunk: Buffer, last: boolean): Buffer {
    const bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = last ? bytes.length : completeLength(bytes);
    const whole = bytes.subarray(0, cut);
    if (!isUtf8(whole)) {
      const at = invalidUtf8Offset(whole);
      const offset = this.offset + at;
      throw badInput(
        `The ${this.argument} '${this.name}' is not valid UTF-8: byte ${offset} is 0x${whole[at].toString(16).toUpperCase().padStart(2, '0')}. ` +
          'Save it as UTF-8 (or UTF-16 with a byte-order mark)',
        this.argument,
      );
    }
    this.carry = Buffer.from(bytes.subarray(cut));
    this.offset += cut;
    return whole;
  }
}

/** The length of `bytes` without a multi-byte sequence its end cuts short. */
function completeLength(bytes: Buffer): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const b = bytes[bytes.length - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}
