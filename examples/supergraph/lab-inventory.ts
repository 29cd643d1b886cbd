/**
 * `lab-inventory`: a second subgraph, as another team would write it, that joins the gateway's
 * entities. It owns freezers, adds `freezer` to ENCODE biosamples (joined by uuid) and `shippedOn`
 * to GDC aliquots (joined by project_id and submitter_id, all this service knows of them).
 *
 *   LAB_INVENTORY_DATA=inventory.json PORT=4002 node --import tsx examples/supergraph/lab-inventory.ts
 *
 * GraphQL Yoga with the Federation 2 subgraph fields written out (`_service`, `_entities`).
 */
import fs from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import type { DocumentNode } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';

export const SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  freezers: [Freezer!]!
}

type Freezer @key(fields: "id") {
  id: ID!
  name: String!
  samples: [EncodeBiosample!]!
}

type EncodeBiosample @key(fields: "id") {
  id: ID!
  freezer: Freezer
}

type GdcAliquot @key(fields: "project_id submitter_id") {
  project_id: String
  submitter_id: String
  shippedOn: String
}
`;

const FEDERATION = `
directive @link(url: String!, import: [String]) repeatable on SCHEMA
directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
scalar _Any
union _Entity = Freezer | EncodeBiosample | GdcAliquot
type _Service { sdl: String }
extend type Query { _service: _Service! _entities(representations: [_Any!]!): [_Entity]! }
`;

interface Inventory {
  freezers: { id: string; name: string; samples: string[] }[];
  shipments: { project_id: string; submitter_id: string; shippedOn: string }[];
}

type Rep = { __typename: string } & Record<string, string>;

export function labInventorySchema(inventory: Inventory) {
  const freezerOf = new Map(inventory.freezers.flatMap((f) => f.samples.map((id) => [id, f] as const)));
  const shipped = new Map(inventory.shipments.map((s) => [`${s.project_id}/${s.submitter_id}`, s]));
  const entity = (rep: Rep) => {
    switch (rep.__typename) {
      case 'Freezer':
        return inventory.freezers.find((f) => f.id === rep.id) ?? null;
      case 'EncodeBiosample':
        return { id: rep.id, freezer: freezerOf.get(rep.id) ?? null };
      case 'GdcAliquot':
        return { ...rep, shippedOn: shipped.get(`${rep.project_id}/${rep.submitter_id}`)?.shippedOn ?? null };
      default:
        return null;
    }
  };
  return createSchema({
    typeDefs: [SDL, FEDERATION],
    resolvers: {
      Query: {
        freezers: () => inventory.freezers,
        _service: () => ({ sdl: SDL }),
        _entities: (_: unknown, { representations }: { representations: Rep[] }) => representations.map((rep) => {
          const found = entity(rep);
          return found && { ...found, __typename: rep.__typename };
        }),
      },
      Freezer: { samples: (f: Inventory['freezers'][number]) => f.samples.map((id) => ({ id })) },
      _Entity: { __resolveType: (e: { __typename: string }) => e.__typename },
    },
  });
}

if (require.main === module) {
  const file = process.env.LAB_INVENTORY_DATA ?? path.join(__dirname, 'inventory.json');
  // LAB_INVENTORY_LOG_REQUESTS=1: one JSON line per request (the tests count what the router sends).
  const logRequests = process.env.LAB_INVENTORY_LOG_REQUESTS === '1';
  const yoga = createYoga({
    schema: labInventorySchema(JSON.parse(fs.readFileSync(file, 'utf8'))),
    graphiql: false,
    logging: false,
    plugins: [{ onExecute: ({ args }: { args: { document: DocumentNode } }) => void (logRequests && console.log(JSON.stringify({ msg: 'request', operation: args.document.loc?.source.body ?? '' }))) }],
  });
  const server = createServer(yoga);
  server.listen(Number(process.env.PORT ?? 4002), process.env.HOST ?? '127.0.0.1', () => {
    const address = server.address() as { port: number };
    console.log(JSON.stringify({ msg: 'lab-inventory ready', graphql: `http://127.0.0.1:${address.port}/graphql` }));
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close(() => process.exit(0)));
}
