import type { IncomingMessage } from 'node:http';
import { callerKey } from '../../src/caller-key';

const req = (headers: Record<string, string>, remoteAddress = '10.0.0.7') => ({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;

describe('callerKey', () => {
  it('is the proved gateway key, fingerprinted', () => {
    const key = callerKey(req({ authorization: 'Bearer secret-key-1', 'x-auth-token': 't' }), true);
    expect(key).toMatch(/^key:[\w-]{43}$/);
    expect(key).not.toContain('secret-key-1');
    expect(callerKey(req({ authorization: 'Bearer secret-key-2' }), true)).not.toBe(key);
    // The same key from another address is the same caller.
    expect(callerKey(req({ authorization: 'Bearer secret-key-1' }, '10.0.0.8'), true)).toBe(key);
  });

  it('else the upstream credentials the caller brings, fingerprinted', () => {
    const a = callerKey(req({ 'x-dcc-api-key': 'K', 'x-dcc-secret-key': 'encode-secret' }), false);
    expect(a).toMatch(/^credentials:/);
    expect(a).not.toContain('encode-secret');
    expect(callerKey(req({ 'x-dcc-api-key': 'K', 'x-dcc-secret-key': 'S2' }), false)).not.toBe(a);
    // An unproved bearer is not a key: the credentials decide.
    expect(callerKey(req({ authorization: 'Bearer nope', 'x-dcc-api-key': 'K', 'x-dcc-secret-key': 'encode-secret' }, '1.2.3.4'), false)).toBe(a);
  });

  it('else the address', () => {
    expect(callerKey(req({}), false)).toBe('address:10.0.0.7');
  });
});
