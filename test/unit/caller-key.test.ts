import type { IncomingMessage } from 'node:http';
import { callerKey, gatewayKeyIdentity } from '../../src/caller-key';
import { clientAddressRule, parseTrustProxy } from '../../src/http/client-address';
import { ownerOf } from '../../src/jobs/owner';

const req = (headers: Record<string, string>, remoteAddress = '10.0.0.7') => ({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;

const peer = clientAddressRule(null);

describe('callerKey', () => {
  it('is the proved gateway key, fingerprinted', () => {
    const proved = gatewayKeyIdentity('secret-key-1');
    const key = callerKey(req({ authorization: 'Bearer secret-key-1', 'x-auth-token': 't' }), proved, peer);
    expect(key).toMatch(/^key:[\w-]{43}$/);
    expect(key).not.toContain('secret-key-1');
    expect(callerKey(req({ authorization: 'Bearer secret-key-2' }), gatewayKeyIdentity('secret-key-2'), peer)).not.toBe(key);
    // The same key from another address is the same caller.
    expect(callerKey(req({ authorization: 'Bearer secret-key-1' }, '10.0.0.8'), proved, peer)).toBe(key);
  });

  it('else the upstream credentials the caller brings, fingerprinted', () => {
    const a = callerKey(req({ 'x-dcc-api-key': 'K', 'x-dcc-secret-key': 'encode-secret' }), undefined, peer);
    expect(a).toMatch(/^credentials:/);
    expect(a).not.toContain('encode-secret');
    expect(callerKey(req({ 'x-dcc-api-key': 'K', 'x-dcc-secret-key': 'S2' }), undefined, peer)).not.toBe(a);
    // An unproved bearer is not a key: the credentials decide.
    expect(callerKey(req({ authorization: 'Bearer nope', 'x-dcc-api-key': 'K', 'x-dcc-secret-key': 'encode-secret' }, '1.2.3.4'), undefined, peer)).toBe(a);
  });

  it('else the address', () => {
    expect(callerKey(req({}), undefined, peer)).toBe('address:10.0.0.7');
  });
});

describe('clientAddressRule (TRUST_PROXY)', () => {
  const forwarded = (remoteAddress: string, xff: string) => req({ 'x-forwarded-for': xff }, remoteAddress);
  it('without TRUST_PROXY a forwarded address changes nothing', () => {
    expect(peer(forwarded('10.0.0.7', '203.0.113.9'))).toBe('10.0.0.7');
    expect(callerKey(forwarded('10.0.0.7', '203.0.113.9'), undefined, peer)).toBe('address:10.0.0.7');
  });

  it('a hop count trusts that many proxies, nearest first', () => {
    const one = clientAddressRule(parseTrustProxy('1'));
    expect(one(forwarded('10.0.0.7', '198.51.100.1, 203.0.113.9'))).toBe('203.0.113.9');
    expect(clientAddressRule(parseTrustProxy('2'))(forwarded('10.0.0.7', '198.51.100.1, 203.0.113.9'))).toBe('198.51.100.1');
    expect(parseTrustProxy('0')).toBeNull();
  });

  it('an address list trusts only those peers: a forged header from another is ignored', () => {
    const rule = clientAddressRule(parseTrustProxy('10.0.0.0/8, 127.0.0.1'));
    expect(rule(forwarded('10.0.0.7', '203.0.113.9'))).toBe('203.0.113.9');
    expect(rule(forwarded('192.0.2.4', '203.0.113.9'))).toBe('192.0.2.4');
    // A client behind our proxy cannot pass for one of our proxies' own addresses by prepending to the header.
    expect(rule(forwarded('10.0.0.7', '198.51.100.1, 203.0.113.9'))).toBe('203.0.113.9');
    expect(callerKey(forwarded('10.0.0.7', '203.0.113.9'), undefined, rule)).toBe('address:203.0.113.9');
  });

  it('a value that is neither a count nor addresses is refused, naming the entry', () => {
    expect(() => parseTrustProxy('10.0.0.1, proxy.example')).toThrow(/proxy\.example/);
  });
});

describe('ownerOf follows the same rule as callerKey', () => {
  const creds = { encode: { key: 'K', secret: 'S' }, gdcToken: null };
  it('a caller rate-limited as X owns its jobs as X', () => {
    const headers = { 'x-dcc-api-key': 'K', 'x-dcc-secret-key': 'S' };
    expect(ownerOf(creds)).toBe(callerKey(req(headers), undefined, peer));
    const proved = gatewayKeyIdentity('gw-key');
    expect(ownerOf(creds, proved)).toBe(callerKey(req(headers), proved, peer));
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
