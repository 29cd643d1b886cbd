import { measureUpload } from '../support/gdc-upload-measure';

/**
 * A 200 MiB data file through a gateway process (issue 9): memory is bounded by part size × parts
 * in flight (8 MiB × 4 by default), never the file's size.
 */
it('uploads 200 MiB to GDC with the gateway growing by less than 100 MB', async () => {
  const f = await measureUpload(200 * 1024 * 1024);
  console.log(`upload: ${JSON.stringify(f)}`);
  expect(f).toMatchObject({ success: true, storedMd5Matches: true });
  expect(f.message).toMatch(/in 25 parts/);
  expect(f.peakRssMb - f.idleRssMb).toBeLessThan(100);
  expect(f.peakRssMb).toBeLessThan(300);
}, 300_000);
