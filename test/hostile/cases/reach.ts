import type { AttackOutcome, HostileCase } from '../../support/hostile';
import { postGraphql } from '../../support/hostile';

/**
 * Reach beyond records and reading on the gateway's authority (issue 18): each case asks the
 * gateway for what is not a submission record, or to read what the caller may not, and must be
 * refused before anything goes upstream. `expected` is what the caller must see.
 */
export interface ReachCase extends HostileCase {
  expected: { code: string; limit?: string };
}

const gql = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });
const RECORD = 'query R($id: ID!) { encodeRecord(id: $id) }';
const CREATE = 'mutation C($input: CreateEntitiesInput!) { createEntities(input: $input) { success entities { errors { type message } } } }';

/** A createEntities answer as an outcome: the first entity error's type is the code. */
async function entityOutcome(graphqlUrl: string, input: object): Promise<AttackOutcome & { messages: string[] }> {
  const answer = await postGraphql(graphqlUrl, gql(CREATE, { input }));
  const body = JSON.parse(String(answer.detail)) as { data?: { createEntities?: { entities: { errors: { type: string; message: string }[] }[] } } };
  const errors = body.data?.createEntities?.entities.flatMap((e) => e.errors) ?? [];
  return { status: answer.status, code: answer.code ?? errors[0]?.type, messages: errors.map((e) => e.message) };
}

const record = (id: string): ReachCase => ({
  name: `encodeRecord ${id}`,
  expected: { code: 'BAD_USER_INPUT' },
  attack: (g) => postGraphql(g.graphqlUrl, gql(RECORD, { id })),
});

const file = (submitted_file_name: string) => ({
  source: 'ENCODE',
  profile: 'file',
  entities: [{ award: 'UM1HG000000', lab: 'sandbox-lab', dataset: 'sandbox-lab:none', file_format: 'fastq', output_type: 'reads', aliases: ['sandbox-lab:hostile-reads'], submitted_file_name }],
});

/**
 * Each attack is sent as a burst of `times` in a row (so another caller's latency is sampled while
 * it runs); the outcome is the first answer, unless a later one differs (then that one shows).
 */
function burst(c: ReachCase, times = 40): ReachCase {
  return {
    ...c,
    attack: async (g) => {
      const first = await c.attack(g);
      for (let i = 1; i < times; i++) {
        const next = await c.attack(g);
        if (next.code !== first.code || next.limit !== first.limit) return next;
      }
      return first;
    },
  };
}

const single: ReachCase[] = [
  record('/users/x/'),
  record('/access-keys/SBXSUBMIT/'),
  record('/_sandbox/faults/'),
  record('users'),
  {
    name: 'patchRecord /access-keys/',
    expected: { code: 'BAD_USER_INPUT' },
    attack: (g) => postGraphql(g.graphqlUrl, gql('mutation { patchRecord(input: { source: ENCODE, id: "/access-keys/SBXSUBMIT/", patch: { status: "deleted" } }) { success } }')),
  },
  {
    name: 'encodeSearch type User',
    expected: { code: 'BAD_USER_INPUT' },
    attack: (g) => postGraphql(g.graphqlUrl, gql('{ encodeSearch(type: "User", limit: 100) { total records } }')),
  },
  {
    name: 'createEntities profile access_key',
    expected: { code: 'BAD_USER_INPUT' },
    attack: (g) => postGraphql(g.graphqlUrl, gql(CREATE, { input: { source: 'ENCODE', profile: 'access_key', entities: [{ description: 'mine now' }] } })),
  },
  {
    name: 'createEntities link to /users/',
    expected: { code: 'INVALID_LINK' },
    attack: (g) =>
      entityOutcome(g.graphqlUrl, {
        source: 'ENCODE',
        profile: 'biosample',
        entities: [{ award: 'UM1HG000000', lab: '/users/x/', organism: 'human', source: 'atcc', biosample_ontology: 'cell_line_EFO_0001203', aliases: ['sandbox-lab:hostile-1'] }],
      }),
  },
  {
    name: 'gdcDictionary _settings',
    expected: { code: 'BAD_USER_INPUT' },
    attack: (g) => postGraphql(g.graphqlUrl, gql('{ gdcDictionary(type: "_settings") }')),
  },
  {
    name: 'gdcGraphql 500 aliases',
    expected: { code: 'LIMIT_EXCEEDED', limit: 'MAX_ALIASES' },
    attack: (g) =>
      postGraphql(g.graphqlUrl, gql('query Q($q: String!) { gdcGraphql(query: $q) }', { q: `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: _case_count`).join(' ')} }` })),
  },
  {
    name: 'gdcGraphql introspection (off)',
    env: { INTROSPECTION: 'false' },
    expected: { code: 'BAD_USER_INPUT' },
    attack: (g) => postGraphql(g.graphqlUrl, gql('query Q($q: String!) { gdcGraphql(query: $q) }', { q: '{ __schema { types { name fields { name } } } }' })),
  },
  {
    name: 's3:// source outside S3_SOURCE_BUCKETS',
    expected: { code: 'INVALID_VALUE' },
    attack: async (g) => {
      // The sandbox's own upload bucket exists and holds objects: still the one answer of a missing object.
      const outside = await entityOutcome(g.graphqlUrl, file('s3://encode-sandbox-uploads/2026/01/01/x/TSTFF000001.fastq.gz'));
      const missing = await entityOutcome(g.graphqlUrl, file('s3://no-such-bucket/reads.fastq.gz'));
      const same = outside.messages.join().replace('encode-sandbox-uploads/2026/01/01/x/TSTFF000001.fastq.gz', '-') === missing.messages.join().replace('no-such-bucket/reads.fastq.gz', '-');
      return { ...outside, code: same ? outside.code : 'DIFFERENT_ANSWERS', detail: [outside.messages, missing.messages] };
    },
  },
  {
    name: 'file outside UPLOAD_ROOT (/etc/shadow)',
    env: { UPLOAD_ROOT: '/tmp' },
    expected: { code: 'INVALID_VALUE' },
    attack: async (g) => {
      const shadow = await entityOutcome(g.graphqlUrl, file('/etc/shadow'));
      const missing = await entityOutcome(g.graphqlUrl, file('/nonexistent'));
      const same = shadow.messages.join().replace('/etc/shadow', '-') === missing.messages.join().replace('/nonexistent', '-');
      return { ...shadow, code: same ? shadow.code : 'DIFFERENT_ANSWERS', detail: [shadow.messages, missing.messages] };
    },
  },
];

export const cases: ReachCase[] = single.map((c) => burst(c));
