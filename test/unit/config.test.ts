import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, defaultLogFormat, loadConfig } from '../../src/config';
import { callerCredentials, type CredentialPolicy, isLoopback, operatorScope } from '../../src/credentials';

describe('loadConfig', () => {
  it('reads the upload part size (S3 parts are at least 5 MiB), parts in flight, uploads at once and the data file limit (both upstreams)', () => {
    expect(loadConfig({}).uploads).toEqual({ partBytes: 8 * 1024 * 1024, parallelParts: 6, maxConcurrent: 8, maxDataFileBytes: 1024 ** 4, encodeS3Endpoint: null, encodeS3Region: 'us-west-2' });
    expect(loadConfig({ UPLOAD_PART_BYTES: '16777216', UPLOAD_PARALLEL_PARTS: '2', MAX_CONCURRENT_UPLOADS: '3', MAX_DATA_FILE_BYTES: '1000', ENCODE_S3_ENDPOINT: 'http://127.0.0.1:9000/' }).uploads).toEqual({
      partBytes: 16777216,
      parallelParts: 2,
      maxConcurrent: 3,
      maxDataFileBytes: 1000,
      encodeS3Endpoint: 'http://127.0.0.1:9000',
      encodeS3Region: 'us-west-2',
    });
    expect(() => loadConfig({ UPLOAD_PART_BYTES: '1048576' })).toThrow(/UPLOAD_PART_BYTES must be at least 5242880/);
    expect(() => loadConfig({ UPLOAD_PARALLEL_PARTS: '0' })).toThrow(/UPLOAD_PARALLEL_PARTS must be at least 1/);
    expect(() => loadConfig({ MAX_CONCURRENT_UPLOADS: '0' })).toThrow(/MAX_CONCURRENT_UPLOADS must be at least 1/);
    expect(() => loadConfig({ MAX_DATA_FILE_BYTES: String(6 * 1024 ** 4) })).toThrow(/MAX_DATA_FILE_BYTES must be at most 5497558138880/);
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

  it('reads the per-caller rate limit: off by default, a 60 s window', () => {
    expect(loadConfig({}).rateLimit).toEqual({ requests: 0, upstreamCalls: 0, windowSeconds: 60, aheadPercent: 50 });
    expect(loadConfig({ RATE_LIMIT_REQUESTS: '100', RATE_LIMIT_UPSTREAM_CALLS: '500', RATE_LIMIT_WINDOW_SECONDS: '10' }).rateLimit).toEqual({ requests: 100, upstreamCalls: 500, windowSeconds: 10, aheadPercent: 50 });
    expect(() => loadConfig({ RATE_LIMIT_UPSTREAM_CALLS: '-1' })).toThrow(/^RATE_LIMIT_UPSTREAM_CALLS must be a non-negative integer, got '-1'$/);
    expect(() => loadConfig({ RATE_LIMIT_REQUESTS: 'lots' })).toThrow(/RATE_LIMIT_REQUESTS must be a non-negative integer, got 'lots'/);
    expect(() => loadConfig({ RATE_LIMIT_WINDOW_SECONDS: '0' })).toThrow(/RATE_LIMIT_WINDOW_SECONDS must be at least 1/);
    expect(loadConfig({ RATE_LIMIT_AHEAD_PERCENT: '0' }).rateLimit.aheadPercent).toBe(0);
    expect(loadConfig({ RATE_LIMIT_AHEAD_PERCENT: '100' }).rateLimit.aheadPercent).toBe(100);
    expect(() => loadConfig({ RATE_LIMIT_AHEAD_PERCENT: '101' })).toThrow(/^RATE_LIMIT_AHEAD_PERCENT must be a percentage between 0 and 100, got '101'$/);
    expect(() => loadConfig({ RATE_LIMIT_AHEAD_PERCENT: '12.5' })).toThrow(/^RATE_LIMIT_AHEAD_PERCENT must be a non-negative integer, got '12.5'$/);
  });

  it('reads OTEL_EXPORTER_OTLP_ENDPOINT: unset means no tracing; not http(s) is refused in one line', () => {
    expect(loadConfig({}).tracing).toEqual({ endpoint: null, serviceName: 'submission-gateway' });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_SERVICE_NAME: 'gw-eu' }).tracing).toEqual({ endpoint: 'http://collector:4318', serviceName: 'gw-eu' });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/^OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL such as http:\/\/otel-collector:4318, got 'collector:4318'$/);
  });

  it('reads REDIS_URL: unset means in-process state; a bad one is refused in one line without its password', () => {
    expect(loadConfig({}).redisUrl).toBeNull();
    expect(loadConfig({ REDIS_URL: 'redis://redis:6379/0' }).redisUrl).toBe('redis://redis:6379/0');
    expect(loadConfig({ REDIS_URL: 'rediss://user:pw@cache.example.org:6380' }).redisUrl).toBe('rediss://user:pw@cache.example.org:6380');
    let message = '';
    try {
      loadConfig({ REDIS_URL: 'http://user:s3cret@redis:6379' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe("REDIS_URL must be a URL such as redis://redis:6379 or rediss://user:password@host:6380/0, got 'http://redis:6379'");
    expect(() => loadConfig({ REDIS_URL: 'redis:6379' })).toThrow(/^REDIS_URL must be a URL such as/);
  });

  it('says which variable is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be a non-negative integer/);
    expect(() => loadConfig({ ENCODE_URL: 'encodeproject' })).toThrow(/ENCODE_URL must be an absolute URL/);
    expect(() => loadConfig({ GDC_TOKEN_FILE: '/nonexistent/token' })).toThrow(/GDC_TOKEN_FILE/);
  });

  it('checks every setting with one line naming the variable, the value and what is allowed', () => {
    const bad: [Record<string, string>, string][] = [
      [{ PORT: '99999' }, "PORT must be a port between 0 and 65535, got '99999'"],
      [{ PORT: '-1' }, "PORT must be a non-negative integer, got '-1'"],
      [{ PORT: '1e3' }, "PORT must be a non-negative integer, got '1e3'"],
      [{ SANDBOX_GDC_PORT: '70000' }, "SANDBOX_GDC_PORT must be a port between 0 and 65535, got '70000'"],
      [{ LOG_LEVEL: 'verbose' }, "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'verbose'"],
      [{ LOG_FORMAT: 'xml' }, "LOG_FORMAT must be one of json, pretty, got 'xml'"],
      [{ ACCESS_LOG: 'some' }, "ACCESS_LOG must be one of all, errors, off, got 'some'"],
      [{ HOST: 'two words' }, "HOST must be an IP address or a host name such as 0.0.0.0 or localhost, got 'two words'"],
      [{ UPSTREAM_TIMEOUT_MS: '0' }, "UPSTREAM_TIMEOUT_MS must be between 1 and 2147483647 (milliseconds), got '0'"],
      [{ SHUTDOWN_GRACE_MS: '3000000000' }, "SHUTDOWN_GRACE_MS must be between 0 and 2147483647 (milliseconds), got '3000000000'"],
      [{ SCHEMA_REFRESH_SECONDS: '9999999' }, "SCHEMA_REFRESH_SECONDS must be between 0 and 2147483 (seconds), got '9999999'"],
      [{ ENCODE_S3_REGION: 'west' }, "ENCODE_S3_REGION must be an AWS region such as us-west-2, got 'west'"],
      [{ SANDBOX_ENCODE_PROFILES: '/no/such/folder' }, "SANDBOX_ENCODE_PROFILES '/no/such/folder' does not exist"],
      [{ MAX_UPLOAD_BYTES: '99999999999999999999' }, "MAX_UPLOAD_BYTES must be a non-negative integer, got '99999999999999999999'"],
    ];
    for (const [env, message] of bad) {
      let thrown: unknown;
      try {
        loadConfig(env);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as Error).message).toBe(message);
    }
  });

  it('reads LOG_FORMAT and ACCESS_LOG; pretty logs by default only at a terminal outside production', () => {
    expect(loadConfig({ LOG_FORMAT: 'Pretty', ACCESS_LOG: 'errors', LOG_LEVEL: 'DEBUG' })).toMatchObject({ logFormat: 'pretty', accessLog: 'errors', logLevel: 'debug' });
    expect(loadConfig({}).accessLog).toBe('all');
    expect(defaultLogFormat({}, true)).toBe('pretty');
    expect(defaultLogFormat({ NODE_ENV: 'production' }, true)).toBe('json');
    expect(defaultLogFormat({}, false)).toBe('json');
  });
});

describe('callerCredentials', () => {
  const operator = { encode: { key: 'dk', secret: 'ds' }, gdcToken: 'dt' };
  const none = { encode: null, gdcToken: null };
  const policy = (p: Partial<CredentialPolicy> = {}): CredentialPolicy => ({ operator, sandbox: none, operatorScope: 'everyone', allowFallback: false, ...p });

  it("prefers the caller's headers", () => {
    expect(callerCredentials({ 'x-dcc-api-key': 'k', 'x-dcc-secret-key': 's', 'x-auth-token': 't' }, policy(), false)).toEqual({
      encode: { key: 'k', secret: 's' },
      gdcToken: 't',
    });
  });

  it("lends the operator's credentials to a caller with none, where the policy allows", () => {
    expect(callerCredentials({}, policy(), false)).toEqual(operator);
    expect(callerCredentials({}, policy({ operatorScope: 'authenticated' }), true)).toEqual(operator);
    expect(callerCredentials({}, policy({ operatorScope: 'authenticated' }), false)).toEqual(none);
    expect(callerCredentials({}, policy({ operatorScope: 'nobody' }), true)).toEqual(none);
  });

  it("never gives a caller with its own GDC token the operator's ENCODE key, unless fallback is allowed", () => {
    expect(callerCredentials({ 'x-auth-token': 't' }, policy(), false)).toEqual({ encode: null, gdcToken: 't' });
    expect(callerCredentials({ 'x-dcc-api-key': 'k', 'x-dcc-secret-key': 's' }, policy(), false)).toEqual({ encode: { key: 'k', secret: 's' }, gdcToken: null });
    expect(callerCredentials({ 'x-auth-token': 't' }, policy({ allowFallback: true }), false)).toEqual({ encode: operator.encode, gdcToken: 't' });
  });

  it("falls back to the sandbox's public credentials when the operator's may not be lent", () => {
    const sandbox = { encode: { key: 'SBX', secret: 'sbx' }, gdcToken: 'sbx-token' };
    expect(callerCredentials({}, policy({ sandbox, operatorScope: 'nobody' }), false)).toEqual(sandbox);
  });

  it('refuses half an ENCODE key pair', () => {
    expect(() => callerCredentials({ 'x-dcc-api-key': 'k' }, policy(), false)).toThrow(/both X-Dcc-Api-Key and X-Dcc-Secret-Key/);
  });

  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'].map(isLoopback)).toEqual([true, true, true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.1', 'example.org'].map(isLoopback)).toEqual([false, false, false, false]);
    expect(operatorScope([], '127.0.0.1')).toBe('everyone');
    expect(operatorScope([], '0.0.0.0')).toBe('nobody');
    expect(operatorScope(['k'.repeat(16)], '0.0.0.0')).toBe('authenticated');
  });
});

describe('loadConfig: safety settings', () => {
  it('listens on loopback by default, with the documented limits', () => {
    const c = loadConfig({});
    expect(c.host).toBe('127.0.0.1');
    expect(c).toMatchObject({ maxUpstreamCalls: 50, shutdownGraceMs: 25_000, introspection: true, auth: { apiKeys: [], allowCredentialFallback: false } });
    expect(c.limits).toEqual({
      aliases: 30,
      rootFields: 20,
      depth: 15,
      sameNameFields: 50,
      fragmentSpreads: 50,
      tokens: 20_000,
      inputDepth: 64,
      jsonKeys: 1_000,
      jsonNodes: 500_000,
      jsonStringLength: 104_857_600,
      listItems: 10_000,
      columns: 2_000,
    });
  });

  it('reads the JSON and document shape limits, refusing 0 and non-integers in one line', () => {
    const c = loadConfig({ MAX_JSON_KEYS: '50', MAX_JSON_NODES: '7', MAX_JSON_STRING_LENGTH: '9', MAX_LIST_ITEMS: '3', MAX_COLUMNS: '4' });
    expect(c.limits).toMatchObject({ jsonKeys: 50, jsonNodes: 7, jsonStringLength: 9, listItems: 3, columns: 4 });
    expect(() => loadConfig({ MAX_LIST_ITEMS: '0' })).toThrow(/^MAX_LIST_ITEMS must be at least 1$/);
    expect(() => loadConfig({ MAX_COLUMNS: 'many' })).toThrow(/^MAX_COLUMNS must be a non-negative integer, got 'many'$/);
  });

  it('reads the selection set limits (MAX_SAME_NAME_FIELDS, MAX_FRAGMENT_SPREADS), refusing 0 in one line', () => {
    expect(loadConfig({ MAX_SAME_NAME_FIELDS: '8', MAX_FRAGMENT_SPREADS: '9' }).limits).toMatchObject({ sameNameFields: 8, fragmentSpreads: 9 });
    expect(() => loadConfig({ MAX_SAME_NAME_FIELDS: '0' })).toThrow(/^MAX_SAME_NAME_FIELDS must be at least 1$/);
    expect(() => loadConfig({ MAX_FRAGMENT_SPREADS: 'x' })).toThrow(/^MAX_FRAGMENT_SPREADS must be a non-negative integer, got 'x'$/);
  });

  it('reads API keys from the variable and from a file, and refuses short keys', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keys-')), 'keys.txt');
    fs.writeFileSync(file, '# operators\nfile-key-0123456789abcdef\n\n');
    const c = loadConfig({ GATEWAY_API_KEYS: 'env-key-0123456789abcdef, other-key-0123456789ab', GATEWAY_API_KEYS_FILE: file });
    expect(c.auth.apiKeys).toEqual(['env-key-0123456789abcdef', 'other-key-0123456789ab', 'file-key-0123456789abcdef']);
    expect(() => loadConfig({ GATEWAY_API_KEYS: 'short' })).toThrow(/at least 16 characters/);
    expect(() => loadConfig({ ALLOW_CREDENTIAL_FALLBACK: 'maybe' })).toThrow(/ALLOW_CREDENTIAL_FALLBACK must be true or false/);
    expect(() => loadConfig({ MAX_DEPTH: '0' })).toThrow(/MAX_DEPTH must be at least 1/);
  });
});

describe('loadConfig: request bodies, hosts and origins (issue 18)', () => {
  it('defaults to 1 MiB bodies, 256 MiB held at once, compressed bodies taken, 1 KiB/s over 10 s, no extra hosts or origins', () => {
    const c = loadConfig({});
    expect(c.bodies).toEqual({ maxRequestBytes: 1024 * 1024, maxInflightBytes: 256 * 1024 * 1024, acceptCompressed: true, minBytesPerSecond: 1024, rateWindowMs: 10_000, maxWsMessageBytes: 64 * 1024, maxWsConnectionsPerCaller: 64, maxWsSubscriptionsPerSocket: 100, wsConnectionInitTimeoutMs: 3000 });
    expect(c.allowedHosts).toEqual([]);
    expect(c.cors).toEqual({ origins: [], credentials: false });
  });

  it('reads each setting and says which one is wrong', () => {
    const c = loadConfig({
      MAX_REQUEST_BYTES: '2048',
      MAX_INFLIGHT_BODY_BYTES: '65536',
      ACCEPT_COMPRESSED_BODIES: 'false',
      BODY_MIN_BYTES_PER_SECOND: '0',
      BODY_RATE_WINDOW_MS: '5000',
      MAX_WS_MESSAGE_BYTES: '4096',
      MAX_WS_CONNECTIONS_PER_CALLER: '3',
      MAX_WS_SUBSCRIPTIONS_PER_SOCKET: '5',
      WS_CONNECTION_INIT_TIMEOUT_MS: '1500',
      ALLOWED_HOSTS: 'Gateway.Internal, gw.example:8080',
      CORS_ORIGINS: 'https://app.example.org, http://localhost:3000',
      CORS_CREDENTIALS: 'true',
    });
    expect(c.bodies).toEqual({ maxRequestBytes: 2048, maxInflightBytes: 65536, acceptCompressed: false, minBytesPerSecond: 0, rateWindowMs: 5000, maxWsMessageBytes: 4096, maxWsConnectionsPerCaller: 3, maxWsSubscriptionsPerSocket: 5, wsConnectionInitTimeoutMs: 1500 });
    expect(c.allowedHosts).toEqual(['gateway.internal', 'gw.example:8080']);
    expect(c.cors).toEqual({ origins: ['https://app.example.org', 'http://localhost:3000'], credentials: true });
    expect(loadConfig({ CORS_ORIGINS: '*' }).cors.origins).toEqual(['*']);
    expect(() => loadConfig({ MAX_REQUEST_BYTES: '0' })).toThrow('MAX_REQUEST_BYTES must be at least 1');
    expect(() => loadConfig({ MAX_WS_MESSAGE_BYTES: '0' })).toThrow('MAX_WS_MESSAGE_BYTES must be at least 1');
    expect(() => loadConfig({ MAX_WS_CONNECTIONS_PER_CALLER: '0' })).toThrow('MAX_WS_CONNECTIONS_PER_CALLER must be at least 1');
    expect(() => loadConfig({ MAX_WS_SUBSCRIPTIONS_PER_SOCKET: 'many' })).toThrow("MAX_WS_SUBSCRIPTIONS_PER_SOCKET must be a non-negative integer, got 'many'");
    expect(() => loadConfig({ WS_CONNECTION_INIT_TIMEOUT_MS: '0' })).toThrow(/WS_CONNECTION_INIT_TIMEOUT_MS must be between 1 and/);
    expect(() => loadConfig({ ACCEPT_COMPRESSED_BODIES: 'sometimes' })).toThrow("ACCEPT_COMPRESSED_BODIES must be true or false, got 'sometimes'");
    expect(() => loadConfig({ CORS_ORIGINS: '*', CORS_CREDENTIALS: 'true' })).toThrow("CORS_ORIGINS may not be '*' when CORS_CREDENTIALS is true: name the origins");
    expect(() => loadConfig({ CORS_ORIGINS: 'https://app.example.org/path' })).toThrow("CORS_ORIGINS must list origins (scheme://host[:port], no path), got 'https://app.example.org/path'");
    expect(() => loadConfig({ CORS_ORIGINS: 'app.example.org' })).toThrow("CORS_ORIGINS must list origins such as https://app.example.org, got 'app.example.org'");
  });
});

describe('sandbox schemas', () => {
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
