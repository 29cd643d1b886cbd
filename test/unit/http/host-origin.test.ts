import type { IncomingMessage } from 'node:http';
import { hostAllowed, hostName, isLoopbackName, originAllowed } from '../../../src/http/host-origin';

const req = (headers: Record<string, string>, encrypted = false) => ({ headers, socket: { encrypted } }) as unknown as IncomingMessage;

describe('Host check (DNS rebinding)', () => {
  it('reads the name of a Host header, with or without port and brackets', () => {
    expect(hostName('LocalHost:4000')).toBe('localhost');
    expect(hostName('[::1]:4000')).toBe('::1');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
  });

  it.each(['localhost', 'localhost:4000', '127.0.0.1', '127.0.0.1:4000', '127.8.9.10:1', '[::1]', '[::1]:4000', '[0:0:0:0:0:0:0:1]:80', '[::ffff:127.0.0.1]:4000'])(
    'serves loopback %s',
    (host) => expect(hostAllowed(host, [])).toBe(true),
  );

  it.each(['attacker.example', 'attacker.example:4000', '127.0.0.1.attacker.example', 'localhost.attacker.example', '10.0.0.1', '[::2]', '0.0.0.0'])(
    'refuses %s',
    (host) => expect(hostAllowed(host, [])).toBe(false),
  );

  it('serves ALLOWED_HOSTS by name (any port) or by name and port', () => {
    expect(hostAllowed('gateway.internal:4000', ['gateway.internal'])).toBe(true);
    expect(hostAllowed('GW.example:8080', ['gw.example:8080'])).toBe(true);
    expect(hostAllowed('gw.example:9090', ['gw.example:8080'])).toBe(false);
    expect(isLoopbackName('localhost')).toBe(true);
    expect(isLoopbackName('128.0.0.1')).toBe(false);
  });
});

describe('Origin check', () => {
  const none = { origins: [], credentials: false };
  it('takes requests without Origin and same-origin ones', () => {
    expect(originAllowed(req({ host: '127.0.0.1:4000' }), none)).toBe(true);
    expect(originAllowed(req({ host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000' }), none)).toBe(true);
    expect(originAllowed(req({ host: 'gw.example', origin: 'https://gw.example' }, true), none)).toBe(true);
  });

  it('refuses other sites, `null` and a scheme that differs, unless CORS_ORIGINS names them (or is *)', () => {
    expect(originAllowed(req({ host: '127.0.0.1:4000', origin: 'http://attacker.example' }), none)).toBe(false);
    expect(originAllowed(req({ host: '127.0.0.1:4000', origin: 'null' }), none)).toBe(false);
    expect(originAllowed(req({ host: 'gw.example', origin: 'https://gw.example' }), none)).toBe(false);
    expect(originAllowed(req({ host: '127.0.0.1:4000', origin: 'https://app.example.org' }), { origins: ['https://app.example.org'], credentials: true })).toBe(true);
    expect(originAllowed(req({ host: '127.0.0.1:4000', origin: 'https://other.example.org' }), { origins: ['https://app.example.org'], credentials: true })).toBe(false);
    expect(originAllowed(req({ host: '127.0.0.1:4000', origin: 'https://any.example' }), { origins: ['*'], credentials: false })).toBe(true);
  });
});
