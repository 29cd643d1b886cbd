/**
 * Hostile `_entities` calls (issue 15): what a caller who reaches the subgraph directly (or a
 * router passing on a caller's huge join) can send. Each is answered per representation or refused
 * whole, without an unbounded number of upstream requests.
 */
import { randomUUID } from 'node:crypto';
import { type HostileCase, postGraphql } from '../../support/hostile';

const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on EncodeBiosample { accession } ... on GdcAliquot { submitter_id } } }';
const body = (r: unknown[]) => JSON.stringify({ query: ENTITIES, variables: { r } });

export const cases: HostileCase[] = [
  {
    // One more than MAX_REPRESENTATIONS: refused before any lookup.
    name: 'federation: 10,001 representations',
    attack: (g) => postGraphql(g.graphqlUrl, body(Array.from({ length: 10_001 }, () => ({ __typename: 'EncodeBiosample', id: randomUUID() })))),
  },
  {
    // Every one wrong: 10,000 errors in place, no upstream request.
    name: 'federation: 10,000 unknown types',
    attack: (g) => postGraphql(g.graphqlUrl, body(Array.from({ length: 10_000 }, (_, i) => ({ __typename: `NoSuchType${i}`, id: String(i) })))),
  },
  {
    // 10,000 distinct projects: each would be a root field of the one GDC query; at most 100 are taken.
    name: 'federation: 10,000 GDC projects',
    attack: (g) => postGraphql(g.graphqlUrl, body(Array.from({ length: 10_000 }, (_, i) => ({ __typename: 'GdcAliquot', project_id: `PROG-P${i}`, submitter_id: `s${i}` })))),
  },
];
