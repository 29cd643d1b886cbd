import { fresh, RENEW_WITHIN_MS } from '../../../src/services/encode/upload';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const creds = (expiration: string) => ({ access_key: 'A', secret_key: 'S', session_token: 'T', upload_url: 's3://b/k', expiration });

describe('fresh upload credentials', () => {
  it('are complete and valid for at least another hour', () => {
    expect(fresh(creds('2026-03-02T12:00:00+00:00'), NOW)).toBe(true);
    expect(fresh(creds(new Date(NOW + RENEW_WITHIN_MS + 1000).toISOString()), NOW)).toBe(true);
  });
  it('are renewed when expired, about to expire, undated or incomplete', () => {
    expect(fresh(creds('2026-03-01T11:00:00+00:00'), NOW)).toBe(false);
    expect(fresh(creds(new Date(NOW + RENEW_WITHIN_MS - 1000).toISOString()), NOW)).toBe(false);
    expect(fresh(creds('soon'), NOW)).toBe(false);
    expect(fresh({ ...creds('2026-03-02T12:00:00Z'), upload_url: '' }, NOW)).toBe(false);
    expect(fresh(undefined, NOW)).toBe(false);
  });
});
