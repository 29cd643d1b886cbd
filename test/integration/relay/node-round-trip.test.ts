import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { DEFAULT_PROJECTS } from '../../../src/sandbox/gdc';
import { ok, startStack, type Stack } from '../../support/stack';

/**
 * Relay conformance on the starter set: for every ENCODE profile and GDC node type the sandbox
 * holds a record of (read from the sandbox's own stores, not listed here), one record read through
 * its `<collection>Connection` / `<node>Connection` is given back whole by `node(id:)` and
 * `nodes(ids:)`. Which connections and which fields come from the gateway's introspection.
 */
let stack: Stack;
let schema: GraphQLSchema;
const PROJECT = DEFAULT_PROJECTS.find((p) => p === 'GDC-INTERNAL')!;

beforeAll(async () => {
  // Users are records like any other once reachable (ENCODE_ALLOW_USERS); the starter seed has one.
  stack = await startStack({}, { encode: { allowUsers: true } });
  schema = buildClientSchema(ok(await stack.gql(getIntrospectionQuery())) as any);
  // The seed holds programs and projects only, which upstream's node lookup leaves out: a case
  // (with a project_id) takes the other path.
  const caseDoc = { type: 'case', submitter_id: 'ROUND-TRIP-1', disease_type: 'Blood Vessel Tumors', primary_site: 'Base of tongue', projects: { code: 'INTERNAL' } };
  const created = ok(await stack.gql(`mutation($e: [JSON!]) { createEntities(input: { source: GDC, project: "${PROJECT}", entities: $e }) { success } }`, { e: [caseDoc] }));
  if (!created.createEntities.success) throw new Error('setup: case not created');
}, 120_000);
afterAll(() => stack?.stop());

/** ENCODE's own convention: item type biosample_type is @type BiosampleType. */
const pascal = (itemType: string) => itemType.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');

function connections(parent: string): { field: string; node: GraphQLObjectType | GraphQLInterfaceType }[] {
  const type = schema.getType(parent) as GraphQLObjectType;
  return Object.values(type.getFields())
    .filter((f) => f.name.endsWith('Connection'))
    .map((f) => {
      const edge = getNamedType((getNamedType(f.type) as GraphQLObjectType).getFields().edges.type) as GraphQLObjectType;
      return { field: f.name, node: getNamedType(edge.getFields().node.type) as GraphQLObjectType | GraphQLInterfaceType };
    });
}

/** Every leaf field without required arguments, on each concrete type a node of `type` may be. */
function wholeRecord(type: GraphQLObjectType | GraphQLInterfaceType): string {
  const concrete = isInterfaceType(type) ? schema.getPossibleTypes(type) : [type];
  const leaves = (t: GraphQLObjectType) =>
    Object.values(t.getFields())
      .filter((f: GraphQLField<unknown, unknown>) => isLeafType(getNamedType(f.type)) && !f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined))
      .map((f) => f.name);
  return `__typename ${concrete.map((t) => `... on ${t.name} { ${leaves(t).join(' ')} }`).join(' ')}`;
}

interface RoundTrip {
  listed: Record<string, unknown>;
  node: unknown;
  nodes: unknown[];
}

async function roundTrip(connection: string, type: GraphQLObjectType | GraphQLInterfaceType, wrap: (inner: string) => string, pick: (data: any) => any): Promise<RoundTrip | null> {
  const first = pick(ok(await stack.gql(`{ ${wrap(`${connection}(first: 1) { totalCount edges { node { id } } }`)} }`)));
  if (!first.edges.length) return null;
  const id = first.edges[0].node.id;
  const fields = wholeRecord(type);
  const data = ok(
    await stack.gql(`query($id: ID!) { ${wrap(`${connection}(first: 1) { edges { node { ${fields} } } }`)} node(id: $id) { ${fields} } nodes(ids: [$id]) { ${fields} } }`, { id }),
  );
  return { listed: pick(data).edges[0].node, node: data.node, nodes: data.nodes };
}

describe('node(id) round-trip for every type of the starter set', () => {
  it('ENCODE: every profile with a seeded record', async () => {
    const seeded = new Set(stack.sandbox.encode!.emulator.portal.store.all().map((item) => pascal(item.itemType)));
    expect(seeded.size).toBeGreaterThan(3);
    const found = new Set<string>();
    for (const { field, node } of connections('EncodeQuery')) {
      const trip = await roundTrip(field, node, (inner) => `encode { ${inner} }`, (d) => d.encode[field]);
      if (!trip) continue;
      expect(trip.listed.id).toEqual(expect.any(String));
      expect(trip.node).toEqual(trip.listed);
      expect(trip.nodes).toEqual([trip.listed]);
      found.add((trip.listed.atType as string[])[0]);
    }
    expect([...seeded].filter((t) => !found.has(t))).toEqual([]);
  }, 120_000);

  it('GDC: every node type with an entity (a case created here beside the seed)', async () => {
    const store = (stack.sandbox.gdc!.emulator.service as unknown as { store: { all(): Iterable<{ type: string }> } }).store;
    const seeded = new Set([...store.all()].map((n) => n.type));
    expect([...seeded].sort()).toEqual(expect.arrayContaining(['case', 'program', 'project']));
    const found = new Set<string>();
    for (const { field, node } of connections('GdcQuery')) {
      expect(isObjectType(node)).toBe(true);
      const trip = await roundTrip(field, node, (inner) => `gdc(project: "${PROJECT}") { ${inner} }`, (d) => d.gdc[field]);
      if (!trip) continue;
      expect(trip.node).toEqual(trip.listed);
      expect(trip.nodes).toEqual([trip.listed]);
      found.add(trip.listed.type as string);
    }
    expect([...seeded].filter((t) => !found.has(t))).toEqual([]);
  }, 120_000);
});
