import { MIN_PART_BYTES, parseS3Url, planParts } from '../../../src/datasources/s3/uploader';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('planParts: part size and parts in flight', () => {
  const settings = { partBytes: 8 * MiB, parallelParts: 4 };

  it('keeps the configured part size and parallelism while 10,000 parts are enough', () => {
    expect(planParts(settings, null)).toEqual({ partBytes: 8 * MiB, parallel: 4 });
    expect(planParts(settings, 1 * GiB)).toEqual({ partBytes: 8 * MiB, parallel: 4 });
    expect(planParts(settings, 10_000 * 8 * MiB)).toEqual({ partBytes: 8 * MiB, parallel: 4 });
  });

  it('grows parts (whole MiB) for larger files and sends fewer at once (two at least), so memory stays put', () => {
    const big = planParts(settings, 200 * GiB);
    expect(big.partBytes).toBe(21 * MiB);
    expect(big.parallel).toBe(2);
    expect(planParts({ partBytes: 8 * MiB, parallelParts: 8 }, 10_000 * 16 * MiB)).toEqual({ partBytes: 16 * MiB, parallel: 4 });
    expect(Math.ceil((200 * GiB) / big.partBytes)).toBeLessThanOrEqual(10_000);
    expect(planParts(settings, 10_000 * 16 * MiB)).toEqual({ partBytes: 16 * MiB, parallel: 2 });
  });

  it("never goes below S3's 5 MiB part, nor beyond one part in flight when configured so", () => {
    expect(planParts({ partBytes: 1, parallelParts: 1 }, 10)).toEqual({ partBytes: MIN_PART_BYTES, parallel: 1 });
    expect(planParts({ partBytes: 5 * MiB, parallelParts: 1 }, 5 * 1024 * GiB).parallel).toBe(1);
  });
});

describe('parseS3Url', () => {
  it('splits s3://bucket/key as the portal hands it out', () => {
    expect(parseS3Url('s3://encode-files/2026/01/02/5b3e/TSTFF123456.fastq.gz')).toEqual({ bucket: 'encode-files', key: '2026/01/02/5b3e/TSTFF123456.fastq.gz' });
  });
  it('refuses anything else', () => {
    for (const bad of ['https://x/y', 's3://bucket-only', 's3:///key', '']) expect(parseS3Url(bad)).toBeNull();
  });
});
