import { request } from 'undici';

/**
 * The lookup load the overhead benches compare gateways with (access log, tracing): `count`
 * `encodeRecord` lookups, `concurrency` callers at a time, each failing loudly on an error.
 */
export async function lookups(url: string, count = 200, concurrency = 8): Promise<void> {
  const body = JSON.stringify({ query: 'query Lab { encodeRecord(id: "/labs/sandbox-lab/") }', operationName: 'Lab' });
  let next = 0;
  const worker = async () => {
    while (next++ < count) {
      const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await res.body.text();
      if (res.statusCode !== 200 || text.includes('"errors"')) throw new Error(`lookup failed: ${res.statusCode} ${text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
