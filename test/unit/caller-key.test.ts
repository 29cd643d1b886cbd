import type { IncomingMessage } from 'node:http';
import { callerKey, gatewayKeyIdentity } from '../../src/caller-key';
import { ownerOf } from '../../src/jobs/owner';

const req = (headers: Record<string, string>, remoteAddress = '10.0.0.7') => ({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;

describe('callerKey', () => {
  it('is the proved gateway key, fingerprinted', () => {
    const proved = gatewayKeyIdentity('secret-key-1');
    const key = callerKey(req({ authorization: 'Bearer secret-key-1', 'x-auth-token': 't' }), proved);
    expect(key).toMatch(/^key:[\w-]{43}$/);
    expect(key).not.toContain('secret-key-1');
    expect(callerKey(req({ authorization: 'Bearer secret-key-2' }), gatewayKeyIdentity('secret-key-2'))).not.toBe(key);
    // The same key from another address is the same caller.
    expect(callerKey(req({ authorization: 'Bearer secret-key-1' }, '10.0.0.8'), proved)).toBe(key);
  });

  it('else the upstream credentials the caller brings, fingerprinted', () => {
    const a = callerKey(req({ 'x-dcc-api-key': 'K', 'x-dcc-secret-key': 'encode-secret' }), undefined);
    expect(a).toMatch(/^credentials:/);
    expect(a).not.toContain('encode-secret');
    expect(callerKey(req({ 'x-dcc-api-key': 'K', 'x-dcc-secret-key': 'S2' }), undefined)).not.toBe(a);
    // An unproved bearer is not a key: the credentials decide.
    expect(callerKey(req({ authorization: 'Bearer nope', 'x-dcc-api-key': 'K', 'x-dcc-secret-key': 'encode-secret' }, '1.2.3.4'), undefined)).toBe(a);
  });

  it('else the address', () => {
    expect(callerKey(req({}), undefined)).toBe('address:10.0.0.7');
  });
});

describe('ownerOf follows the same rule as callerKey', () => {
  const creds = { encode: { key: 'K', secret: 'S' }, gdcToken: null };
  it('a caller rate-limited as X owns its jobs as X', () => {
    const headers = { 'x-dcc-api-key': 'K', 'x-dcc-secret-key': 'S' };
    expect(ownerOf(creds)).toBe(callerKey(req(headers), undefined));
    const proved = gatewayKeyIdentity('gw-key');
    expect(ownerOf(creds, proved)).toBe(callerKey(req(headers), proved));
  });

  it('is the gateway key when one was proved, else the credentials, never in clear', () => {
    const gw1 = gatewayKeyIdentity('gw1');
    expect(ownerOf(creds, gw1)).not.toBe(ownerOf(creds, gatewayKeyIdentity('gw2')));
    expect(ownerOf(creds, gw1)).toBe(ownerOf({ encode: null, gdcToken: 't' }, gw1));
    expect(ownerOf(creds)).not.toBe(ownerOf({ encode: { key: 'K', secret: 'S2' }, gdcToken: null }));
    expect(ownerOf(creds)).not.toBe(ownerOf({ encode: null, gdcToken: 'K' }));
    const secret = 'encode-secret-value';
    expect(ownerOf({ encode: { key: 'K', secret }, gdcToken: null })).not.toContain(secret);
    expect(gw1).not.toContain('gw1');
  });
});
