import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { credentialsFrom } from '../../src/context';

describe('loadConfig', () => {
  it('reads the GDC upload part size (S3 parts are at least 5 MiB) and parts in flight', () => {
    expect(loadConfig({})).toMatchObject({ uploadPartBytes: 8 * 1024 * 1024, uploadParallelParts: 4 });
    expect(loadConfig({ UPLOAD_PART_BYTES: '16777216', UPLOAD_PARALLEL_PARTS: '2' })).toMatchObject({ uploadPartBytes: 16777216, uploadParallelParts: 2 });
    expect(() => loadConfig({ UPLOAD_PART_BYTES: '1048576' })).toThrow(/UPLOAD_PART_BYTES must be at least 5242880/);
  });

  it('defaults to the sandbox on port 4000', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 4000, encodeUrl: null, gdcUrl: null, gdcToken: null, encodeKey: null });
  });

  it('reads upstreams, credentials and a token file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-')), 'token.txt');
    fs.writeFileSync(file, 'secret-token\n');
    const c = loadConfig({
      PORT: '8080',
      ENCODE_URL: 'https://www.encodeproject.org/',
      GDC_URL: 'https://api.gdc.cancer.gov',
      GDC_TOKEN_FILE: file,
      DCC_API_KEY: 'k',
      DCC_SECRET_KEY: 's',
    });
    expect(c).toMatchObject({
      port: 8080,
      encodeUrl: 'https://www.encodeproject.org',
      gdcUrl: 'https://api.gdc.cancer.gov',
      gdcToken: 'secret-token',
      encodeKey: 'k',
      encodeSecret: 's',
    });
  });

  it('says which variable is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be a non-negative integer/);
    expect(() => loadConfig({ ENCODE_URL: 'encodeproject' })).toThrow(/ENCODE_URL must be an absolute URL/);
    expect(() => loadConfig({ GDC_TOKEN_FILE: '/nonexistent/token' })).toThrow(/GDC_TOKEN_FILE/);
  });
});

describe('credentialsFrom', () => {
  const defaults = { encode: { key: 'dk', secret: 'ds' }, gdcToken: 'dt' };

  it("prefers the caller's headers", () => {
    expect(credentialsFrom({ 'x-dcc-api-key': 'k', 'x-dcc-secret-key': 's', 'x-auth-token': 't' }, defaults)).toEqual({
      encode: { key: 'k', secret: 's' },
      gdcToken: 't',
    });
  });

  it('falls back to the defaults', () => {
    expect(credentialsFrom({}, defaults)).toEqual(defaults);
  });

  it('refuses half an ENCODE key pair', () => {
    expect(() => credentialsFrom({ 'x-dcc-api-key': 'k' }, defaults)).toThrow(/both X-Dcc-Api-Key and X-Dcc-Secret-Key/);
  });

  it('SANDBOX_SCHEMAS=real puts the sandbox on the real profiles, inserts and dictionary in data/', () => {
    const c = loadConfig({ SANDBOX_SCHEMAS: 'real' });
    expect(c.sandbox.encodeProfiles).toBe(path.resolve(__dirname, '../../data/encode/profiles'));
    expect(c.sandbox.gdcDictionary).toBe(path.resolve(__dirname, '../../data/gdc/dictionary'));
    // The seed follows the profiles (the real inserts), unless SANDBOX_ENCODE_SEED says otherwise.
    expect(c.sandbox.encodeSeed).toBeUndefined();
    expect(loadConfig({ SANDBOX_SCHEMAS: 'real', SANDBOX_ENCODE_SEED: 'none' }).sandbox.encodeSeed).toBeNull();
    expect(loadConfig({}).sandbox).toMatchObject({ encodeProfiles: null, gdcDictionary: null });
    expect(() => loadConfig({ SANDBOX_SCHEMAS: 'full' })).toThrow(/SANDBOX_SCHEMAS must be 'starter' or 'real', got 'full'/);
  });
});
