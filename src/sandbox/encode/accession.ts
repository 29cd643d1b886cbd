import { randomInt } from 'node:crypto';

/**
 * A test-server accession, as encoded mints them off production: `TST` + type + six digits
 * (`TSTBS012345`), so sandbox records can never be mistaken for real ones.
 */
export function mintAccession(accessionType: string, taken: (accession: string) => boolean): string {
  for (let i = 0; i < 1000; i++) {
    const candidate = `TST${accessionType}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
    if (!taken(candidate)) return candidate;
  }
  throw new Error('Free accession not found in 1000 attempts');
}
