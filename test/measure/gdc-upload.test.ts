import { measureUpload } from '../support/gdc-upload-measure';

const MiB = 1024 * 1024;

/**
 * A 200 MiB data file through a gateway process (issue 9): memory is bounded by part size × parts
 * in flight (8 MiB × 4 by default), never the file's size; streamed in one PUT (below 1 GiB, as
 * gdc-client sends it), by a few chunks.
 */
it('uploads 200 MiB to GDC in parts with the gateway growing by less than 100 MB', async () => {
  const f = await measureUpload(200 * MiB, 8 * MiB);
  console.log(`upload in parts: ${JSON.stringify(f)}`);
  expect(f).toMatchObject({ success: true, storedMd5Matches: true });
  expect(f.message).toMatch(/in 25 parts/);
  expect(f.peakRssMb - f.idleRssMb).toBeLessThan(100);
  expect(f.peakRssMb).toBeLessThan(300);
}, 300_000);

it('uploads 200 MiB to GDC in one streamed PUT with the gateway growing by less than 100 MB', async () => {
  const f = await measureUpload(200 * MiB);
  console.log(`upload in one PUT: ${JSON.stringify(f)}`);
  expect(f).toMatchObject({ success: true, storedMd5Matches: true });
  expect(f.message).toBe(`Uploaded ${200 * MiB} bytes in one PUT; md5 and size match the entity.`);
  expect(f.peakRssMb - f.idleRssMb).toBeLessThan(100);
  expect(f.peakRssMb).toBeLessThan(300);
}, 300_000);
