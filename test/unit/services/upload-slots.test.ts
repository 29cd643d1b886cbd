import { Readable } from 'node:stream';
import type { FileUpload } from 'graphql-upload-minimal';
import { inUploadSlot, UploadSlots } from '../../../src/services/upload-slots';

const file = (onRead: () => void): Promise<FileUpload> =>
  Promise.resolve({ filename: 'f', mimetype: 'x', encoding: '7bit', fieldName: 'file', createReadStream: () => (onRead(), Readable.from([Buffer.from('abc')])) } as unknown as FileUpload);

describe('upload slots', () => {
  it('gives out at most max slots, each given back once however often it is called', () => {
    const slots = new UploadSlots(2);
    const a = slots.take()!;
    const b = slots.take()!;
    expect(slots.take()).toBeNull();
    a();
    a();
    expect(slots.inUse).toBe(1);
    expect(slots.take()).not.toBeNull();
    expect(slots.take()).toBeNull();
    b();
    expect(slots.inUse).toBe(1);
  });

  it('gives the slot back when the upload fails, and refuses (draining the file) when none is free', async () => {
    const slots = new UploadSlots(1);
    await expect(inUploadSlot(slots, file(() => undefined), () => Promise.reject(new Error('upstream down')))).rejects.toThrow('upstream down');
    expect(slots.inUse).toBe(0);
    const hold = slots.take()!;
    let drained = false;
    await expect(inUploadSlot(slots, file(() => (drained = true)), () => Promise.resolve('never'))).rejects.toMatchObject({
      extensions: { code: 'LIMIT_EXCEEDED', limit: 'MAX_CONCURRENT_UPLOADS', max: 1 },
    });
    await new Promise((r) => setImmediate(r));
    expect(drained).toBe(true);
    hold();
    await expect(inUploadSlot(slots, file(() => undefined), () => Promise.resolve('sent'))).resolves.toBe('sent');
  });
});
