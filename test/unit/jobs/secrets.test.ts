import { randomBytes } from 'node:crypto';
import { open, seal } from '../../../src/jobs/secrets';

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
});
