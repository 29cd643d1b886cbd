import { request } from 'undici';
import type { AttackOutcome, HostileCase, HostileTarget } from '../../support/hostile';
import { postGraphql } from '../../support/hostile';

/**
 * Hostile connection arguments (issue 14): cursors far longer than any issued, forged ones, many
 * `after`s, pages of 10^9. Each is refused before anything goes upstream: `upstreamCalls` in the
 * outcome is what the gateway's own counter (/metrics, gateway_upstream_calls_total) moved while the
 * burst ran, and must stay 0.
 */
export interface CursorCase extends HostileCase {
  expected: { code: string; limit?: string };
}

/** The schema is read once at start; a refresh during a burst would count as an upstream call. */
const ENV = { SCHEMA_REFRESH_SECONDS: '0' };
// The starter seed has two organisms: a page of one issues a cursor with a next page behind it.
const ORGANISMS = 'query P($after: String, $before: String, $first: Int, $last: Int) { encode { organismsConnection(first: $first, after: $after, last: $last, before: $before) { totalCount edges { cursor node { id } } } } }';
const CASES_OF = 'query G($after: String, $first: Int) { gdc(project: "TCGA-ALCH") { caseConnection(first: $first, after: $after) { totalCount edges { cursor node { id } } } } }';

const gql = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

async function upstreamCalls(t: HostileTarget): Promise<number> {
  const res = await request(`${t.url}/metrics`);
  const text = await res.body.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('gateway_upstream_calls_total{'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** A cursor the gateway issued (one legitimate page, before the counter is read). */
async function issuedCursor(t: HostileTarget): Promise<string> {
  const answer = await postGraphql(t.graphqlUrl, gql(ORGANISMS, { first: 1 }));
  const cursor = (JSON.parse(String(answer.detail)) as any).data?.encode?.organismsConnection?.edges?.[0]?.cursor;
  if (typeof cursor !== 'string') throw new Error(`no cursor issued: ${String(answer.detail)}`);
  return cursor;
}

/**
 * The attack sent `times` in a row (so another caller is sampled meanwhile); the outcome is the
 * first answer unless a later one differs, with the upstream calls the whole burst caused.
 */
function burst(name: string, expected: CursorCase['expected'], body: (t: HostileTarget) => Promise<string>, times = 300): CursorCase {
  return {
    name,
    env: ENV,
    expected,
    attack: async (t) => {
      const text = await body(t);
      const before = await upstreamCalls(t);
      let outcome: AttackOutcome | undefined;
      for (let i = 0; i < times; i++) {
        const next = await postGraphql(t.graphqlUrl, text);
        if (!outcome || next.code !== outcome.code || next.limit !== outcome.limit) outcome = next;
      }
      return { ...outcome!, detail: { upstreamCalls: (await upstreamCalls(t)) - before } };
    },
  };
}

/** `after` in base64url as the gateway writes it, holding an offset the gateway never signed. */
const forged = (offset: number) => Buffer.from(`c1.AAAAAAAAAAAAAAAA.${offset}.${'A'.repeat(22)}`).toString('base64url');

const afters = (n: number) => Array.from({ length: n }, (_, i) => `after: "c${i}"`).join(', ');

export const cases: CursorCase[] = [
  burst('after of 900,000 characters (ENCODE)', { code: 'BAD_USER_INPUT' }, async () => gql(ORGANISMS, { first: 2, after: 'Y'.repeat(900_000) }), 20),
  burst('after of 900,000 characters (GDC)', { code: 'BAD_USER_INPUT' }, async () => gql(CASES_OF, { first: 2, after: 'Y'.repeat(900_000) }), 20),
  burst('before of 900,000 characters, last 10', { code: 'BAD_USER_INPUT' }, async () => gql(ORGANISMS, { last: 10, before: 'Y'.repeat(900_000) }), 20),
  burst('forged cursor at offset 9,999,999', { code: 'BAD_USER_INPUT' }, async () => gql(ORGANISMS, { first: 2, after: forged(9_999_999) })),
  burst('first: 10^9 (ENCODE)', { code: 'BAD_USER_INPUT' }, async () => gql(ORGANISMS, { first: 1_000_000_000 })),
  burst('first: 10^9 after an issued cursor', { code: 'BAD_USER_INPUT' }, async (t) => gql(ORGANISMS, { first: 1_000_000_000, after: await issuedCursor(t) })),
  burst('last: 10^9 without before', { code: 'BAD_USER_INPUT' }, async () => gql(ORGANISMS, { last: 1_000_000_000 })),
  burst('first: 10^9 (GDC)', { code: 'BAD_USER_INPUT' }, async () => gql(CASES_OF, { first: 1_000_000_000 })),
  burst('200 aliased connections, each its own after', { code: 'LIMIT_EXCEEDED', limit: 'MAX_ALIASES' }, async (t) => {
    const cursor = await issuedCursor(t);
    const fields = Array.from({ length: 200 }, (_, i) => `p${i}: organismsConnection(first: 25, after: "${cursor}") { totalCount }`);
    return gql(`{ encode { ${fields.join(' ')} } }`);
  }, 40),
  // Past MAX_TOKENS the parser stops: what is refused costs 20,000 tokens of parsing at most.
  burst('8,000 after arguments on one field', { code: 'LIMIT_EXCEEDED', limit: 'MAX_TOKENS' }, async () => gql(`{ encode { organismsConnection(first: 2, ${afters(8_000)}) { totalCount } } }`), 20),
  burst('1,000 after arguments on one field', { code: 'GRAPHQL_VALIDATION_FAILED' }, async () => gql(`{ encode { organismsConnection(first: 2, ${afters(1_000)}) { totalCount } } }`), 40),
];
