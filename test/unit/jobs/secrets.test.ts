import { randomBytes } from 'node:crypto';
import { jobOwner } from '../../../src/jobs/owner';
import { credentialFingerprint, open, seal } from '../../../src/jobs/secrets';

describe('job credential sealing', () => {
  const key = randomBytes(32);
  const creds = { gdcToken: 'tok-SECRET-123', encodeKey: 'k', encodeSecret: 's' };

  it('round-trips and never holds the secret in clear', () => {
    const sealed = seal(key, 'job-1', creds);
    expect(sealed.toString('latin1')).not.toContain('tok-SECRET-123');
    expect(open(key, 'job-1', sealed)).toEqual(creds);
  });

  it('does not open under another key, another job id, or when altered', () => {
    const sealed = seal(key, 'job-1', creds);
    expect(open(randomBytes(32), 'job-1', sealed)).toBeNull();
    expect(open(key, 'job-2', sealed)).toBeNull();
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] ^= 1;
    expect(open(key, 'job-1', altered)).toBeNull();
  });

  it('fingerprints credentials without containing them', () => {
    const fp = credentialFingerprint(['tok-SECRET-123', null]);
    expect(fp).toMatch(/^cred:[0-9a-f]{64}$/);
    expect(fp).not.toContain('SECRET');
    expect(credentialFingerprint(['tok-SECRET-123', null])).toBe(fp);
    expect(credentialFingerprint(['other', null])).not.toBe(fp);
  });
});

describe('jobOwner', () => {
  it('is the gateway key identity when there is one, else the credentials fingerprint', () => {
    const creds = { encode: { key: 'K', secret: 'S' }, gdcToken: 'T' };
    expect(jobOwner('key:abc', creds)).toBe('key:abc');
    const fp = jobOwner(null, creds);
    expect(fp).toMatch(/^cred:[0-9a-f]{64}$/);
    expect(jobOwner(undefined, { ...creds, gdcToken: 'other' })).not.toBe(fp);
    expect(jobOwner(null, { encode: { key: 'K', secret: 'S' }, gdcToken: 'T' })).toBe(fp);
  });
});
